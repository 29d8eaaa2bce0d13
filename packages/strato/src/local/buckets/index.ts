/**
 * Buckets of the local cloud. The public door of this folder.
 *
 * Wiring, as the local cloud composes it:
 *
 * ```ts
 * const asyncInvoker = new AsyncInvoker({ stateDir, invoker: runtime, getFunction });
 * const notifier = new BucketNotifier({ buckets: app.buckets, queue: asyncInvoker });
 * const buckets = new BucketStore({ stateDir, buckets: app.buckets, listener: notifier });
 * ```
 *
 * The resource router calls `buckets.put/get/head/delete/list` with the
 * bucket's physical name (the value of the linked environment variable) and
 * passes the calling function as `RequestContext`. Errors are `S3Error`s
 * whose `name` is S3's error code (`NoSuchKey`, `NoSuchBucket`, ...).
 *
 * Presigned URLs point at the gateway, which mounts the handler:
 *
 * ```ts
 * const presigner = new Presigner({ stateDir, baseUrl: () => gateway.url });
 * const mount = createPresignedUrlHandler({ store: buckets, presigner }); // serves /_strato/s3/<bucket>/<key>
 * const url = await presigner.presign({ method: 'PUT', bucket, key, expiresIn: 300, contentType: 'image/jpeg' });
 * ```
 */
export { BucketStore, DEFAULT_CONTENT_TYPE, MAX_USER_METADATA_BYTES, type BucketStoreOptions } from './store.ts';
export { S3Error, type S3ErrorCode } from './errors.ts';
export { parseByteRange, type ByteRange } from './byte-range.ts';
export { evaluateConditions, type ConditionOutcome } from './conditional-request.ts';
export { MAX_KEY_BYTES } from './keys.ts';
export { MAX_PUT_BYTES } from './content-files.ts';
export { MAX_KEYS } from './list.ts';
export { BucketNotifier, ANONYMOUS_PRINCIPAL, type AsyncEventQueue, type BucketNotifierOptions } from './notifier.ts';
export { encodeEventKey, s3EventRecord, type S3EventName } from './s3-event.ts';
export { Presigner, PRESIGNED_PATH_PREFIX, MAX_PRESIGN_EXPIRES_SECONDS, type PresignInput, type PresignMethod, type PresignerOptions } from './presigner.ts';
export { createPresignedUrlHandler, type PresignedUrlHandler, type PresignedUrlHandlerOptions } from './presigned-url-handler.ts';
export type * from './types.ts';
