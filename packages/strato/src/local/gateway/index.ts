export { Gateway, GATEWAY_LIMITS, PortInUseError, type GatewayMount, type GatewayOptions } from './gateway.ts';
export { RouteTable, DEFAULT_ROUTE_KEY, type RouteMatch } from './route-table.ts';
export { buildHttpEvent } from './event.ts';
export { toHttpResponse } from './integration-response.ts';
