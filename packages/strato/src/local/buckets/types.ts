/**
 * The data types of the bucket store's public operations.
 */
import type { Readable } from 'node:stream';

/** An object's metadata, as HeadObject returns it. */
export interface ObjectInfo {
  readonly bucket: string;
  readonly key: string;
  /** Content length in bytes. */
  readonly size: number;
  /** Hex MD5 of the content in double quotes, as S3 sends it in the `ETag` header. */
  readonly etag: string;
  readonly contentType: string;
  readonly lastModified: Date;
  /** User metadata (`x-amz-meta-*` headers) with lower-case names and without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Caller of a request, for the `userIdentity` and `requestParameters` of the S3 event it causes. */
export interface RequestContext {
  /** The caller's principal, such as `AWS:STRATOLOCAL:demo-photos-create`. */
  readonly principalId?: string;
  /** The caller's IP address. @default '127.0.0.1' */
  readonly sourceIp?: string;
}

export type ObjectBody = Buffer | Uint8Array | string | Readable;

export interface PutObjectInput {
  /** Physical name of the bucket. */
  readonly bucket: string;
  readonly key: string;
  readonly body: ObjectBody;
  /** @default 'binary/octet-stream', as S3 stores an object sent without a Content-Type */
  readonly contentType?: string;
  /** User metadata, stored and returned with lower-case names. At most 2 KB in all, as S3 allows. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Base64 MD5 of the body, as the `Content-MD5` header carries it; a body that does not match gets BadDigest. */
  readonly contentMd5?: string;
}

export interface ListObjectsInput {
  readonly bucket: string;
  /** Only keys that start with this. */
  readonly prefix?: string;
  /** Rolls up keys that contain it after the prefix into `commonPrefixes`, as S3 does with `/` for folders. */
  readonly delimiter?: string;
  /**
   * Maximum number of keys and common prefixes together, 0 to 1000; larger values return 1000, as S3 does.
   * @default 1000
   */
  readonly maxKeys?: number;
  /** `nextContinuationToken` of the previous page. */
  readonly continuationToken?: string;
  /** Lists only keys after this one, in UTF-8 binary order. Ignored when a continuation token is given. */
  readonly startAfter?: string;
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
}

/** A page of a listing, with ListObjectsV2's fields. */
export interface ListObjectsOutput {
  readonly contents: readonly ObjectSummary[];
  readonly commonPrefixes: readonly string[];
  /** Keys plus common prefixes in this page. */
  readonly keyCount: number;
  readonly isTruncated: boolean;
  /** Pass it as `continuationToken` to get the next page; present only when `isTruncated`. */
  readonly nextContinuationToken?: string;
}

/** A change to an object, reported to the store's listener after it is stored. */
export type ObjectChange =
  | { readonly type: 'created'; readonly info: ObjectInfo; readonly context: RequestContext }
  | { readonly type: 'removed'; readonly bucket: string; readonly key: string; readonly context: RequestContext };

/**
 * Receives every object change. The store awaits it before the put or delete
 * returns, so an event queue that writes to disk makes the event durable
 * before the caller gets its response.
 */
export interface ObjectChangeListener {
  objectChanged(change: ObjectChange): Promise<void>;
}
