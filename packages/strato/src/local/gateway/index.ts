export {
  Gateway,
  GATEWAY_LIMITS,
  PortInUseError,
  type AuthorizerResult,
  type FallbackHandler,
  type GatewayMount,
  type GatewayOptions,
  type RouteAuthorizer,
} from './gateway.ts';
export { RouteTable, DEFAULT_ROUTE_KEY, type RouteMatch } from './route-table.ts';
export { buildHttpEvent, type JwtContext } from './event.ts';
export { toHttpResponse } from './integration-response.ts';
