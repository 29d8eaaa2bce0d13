/**
 * Auth in the local cloud: a Cognito user pool and the JWT authorizer of the
 * gateway. The public door of this folder.
 *
 * Wiring, as the local cloud composes it:
 *
 * ```ts
 * const auth = await openLocalAuth({ auth: app.auth, stateDir: path.join(stateDir, 'auth'), logger });
 * const gateway = await Gateway.start({ app, invoker, mounts: [auth.mount], authorizer: auth.authorizer });
 * auth.attach(gateway.url);
 * ```
 *
 * The mount serves `/_strato/cognito`: the user-pool API at `POST /`, the
 * JWKS at `/<poolId>/.well-known/jwks.json` and the captured codes at
 * `GET /messages?username=`. Clients use
 * `new CognitoIdentityProviderClient({ endpoint: auth.pool.endpoint })`, which
 * is `<gateway URL>/_strato/cognito`. The gateway calls
 * `auth.authorizer.authorize(route, headers)` for every route with `auth` and
 * puts the result's `jwt` in `requestContext.authorizer.jwt`.
 */
export { LocalUserPool, COGNITO_PATH_PREFIX, type UserPoolOptions, type CapturedMessage } from './user-pool.ts';
export { createUserPoolHandler, isUserPoolPath, MAX_REQUEST_BYTES, type RequestHandler } from './http-handler.ts';
export { CognitoError, type CognitoErrorName } from './errors.ts';
export { TOKEN_LIFETIME_SECONDS, ADMIN_SCOPE } from './tokens.ts';
export { createJwtAuthorizer, JwtAuthorizer, VERIFIED_TOKEN_CACHE_MS, type AuthorizeResult, type JwtAuthorizerContext, type JwtAuthorizerOptions, type RequestHeaders } from './authorizer.ts';
export { flattenClaims } from './claims.ts';
export { openLocalAuth, type LocalAuth, type LocalAuthOptions } from './local-auth.ts';
