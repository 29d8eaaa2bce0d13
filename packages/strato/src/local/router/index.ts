/**
 * The resource router of the local cloud. The runtime passes it every
 * `ResourceCall` that a handler's `strato/client` sends, with the id of the
 * calling function:
 *
 * ```ts
 * const router = createResourceRouter({ app, buckets: bucketStore, tables: tableStore, presigner });
 * const output = await router.handle('photos.create-photo', call);
 * ```
 *
 * Errors keep AWS's names: `AccessDeniedException` for tables, `AccessDenied`
 * for buckets, and the stores' own errors (`NoSuchKey`, `ConditionalCheckFailedException`).
 */
export { createResourceRouter, type ResourceRouterOptions } from './router.ts';
export { AwsError, notAuthorizedMessage, type KindHandler, type Operation, type OperationRequest } from './kind-handler.ts';
export { callerOf, DEFAULT_LOCAL_ACCOUNT, type Caller, type LocalAccount } from './identity.ts';
export {
  PRESIGN_DEFAULT_SECONDS,
  PRESIGN_MAX_SECONDS,
  type BucketBackend,
  type ObjectAttributes,
  type PresignInput,
  type Presigner,
} from './bucket-handler.ts';
