/**
 * Auth in the local cloud: a Cognito user pool and the JWT authorizer of the
 * gateway. The public door of this folder.
 *
 * Wiring, as the local cloud composes it:
 *
 * ```ts
 * const pool = await LocalUserPool.open({ auth: app.auth, stateDir: path.join(stateDir, 'auth'), logger });
 * const serveUserPool = createUserPoolHandler(pool, logger);
 * // once the gateway listens:
 * pool.setEndpoint(`http://127.0.0.1:${port}${COGNITO_PATH_PREFIX}`);
 * const authorizer = createJwtAuthorizer(pool);
 * ```
 *
 * The gateway sends requests whose path `isUserPoolPath` to `serveUserPool`,
 * and calls `authorizer.authorize(route, headers)` for every route with
 * `auth`. Clients use `new CognitoIdentityProviderClient({ endpoint: pool.endpoint })`.
 */
export { LocalUserPool, COGNITO_PATH_PREFIX, type UserPoolOptions, type CapturedMessage } from './user-pool.ts';
export { createUserPoolHandler, isUserPoolPath, MAX_REQUEST_BYTES, type RequestHandler } from './http-handler.ts';
export { CognitoError, type CognitoErrorName } from './errors.ts';
export { TOKEN_LIFETIME_SECONDS, ADMIN_SCOPE } from './tokens.ts';
export { createJwtAuthorizer, JwtAuthorizer, VERIFIED_TOKEN_CACHE_MS, type AuthorizeResult, type JwtAuthorizerContext, type JwtAuthorizerOptions, type RequestHeaders } from './authorizer.ts';
export { flattenClaims } from './claims.ts';
