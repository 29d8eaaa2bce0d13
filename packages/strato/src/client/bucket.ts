/**
 * The bucket client: objects of one linked bucket.
 */
import { callDriver } from './driver.ts';
import type { GetObjectOutput, ListObjectsOutput, ObjectAttributesOutput } from './protocol.ts';
import { physicalNameOf } from './resource-names.ts';

export interface PutObjectOptions {
  /** @default 'binary/octet-stream', as S3 stores an object sent without a Content-Type */
  readonly contentType?: string;
  /** User metadata, returned with lower-case names. At most 2 KB in all, as S3 allows. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** An object's metadata, as HeadObject returns it. */
export interface ObjectInfo {
  readonly key: string;
  /** Content length in bytes. */
  readonly size: number;
  /** Hex MD5 of the content in double quotes, as S3 sends it. */
  readonly etag: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly lastModified: Date;
}

/** An object with its content. */
export interface StoredObject extends ObjectInfo {
  readonly body: Uint8Array;
  /** Decodes the body as UTF-8. */
  text(): string;
}

export interface ListOptions {
  /** Only keys that start with this. */
  readonly prefix?: string;
  /** Rolls up keys that contain it after the prefix into `commonPrefixes`, as S3 does with `/` for folders. */
  readonly delimiter?: string;
  /**
   * Maximum number of keys and common prefixes in the page.
   * @default 1000
   */
  readonly maxKeys?: number;
  /** `nextContinuationToken` of the previous page. */
  readonly continuationToken?: string;
}

export interface ObjectListing {
  readonly objects: readonly { readonly key: string; readonly size: number; readonly etag: string; readonly lastModified: Date }[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** Pass it as `continuationToken` for the next page; present only when `isTruncated`. */
  readonly nextContinuationToken?: string;
}

export interface PresignOptions {
  /**
   * Seconds the URL stays valid, at most 604800 (7 days).
   * @default 900
   */
  readonly expiresIn?: number;
}

export interface PresignPutOptions extends PresignOptions {
  /** Content type signed into the URL; the upload must send the same `Content-Type` header. */
  readonly contentType?: string;
}

const utf8 = new TextDecoder();

export class BucketClient {
  /** Physical name of the bucket. */
  readonly name: string;

  constructor(linkName: string) {
    this.name = physicalNameOf('BUCKET', linkName);
  }

  /** Stores an object, replacing any object with the same key. */
  async put(key: string, body: string | Uint8Array, options: PutObjectOptions = {}): Promise<{ etag: string; size: number }> {
    const output = await this.call('put', { key, body, contentType: options.contentType, metadata: options.metadata }) as ObjectAttributesOutput;
    return { etag: output.etag, size: output.size };
  }

  /** Returns the object with its content. Throws an error named `NoSuchKey` when no object has the key. */
  async get(key: string): Promise<StoredObject> {
    const output = await this.call('get', { key }) as GetObjectOutput;
    const body = output.body;
    return { ...toObjectInfo(output), body, text: () => utf8.decode(body) };
  }

  /** Returns the object's metadata, or undefined when no object has the key. */
  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      return toObjectInfo(await this.call('head', { key }) as ObjectAttributesOutput);
    } catch (error) {
      // The local store throws NoSuchKey. S3 returns a bare 404 to HEAD, which the SDK names NotFound.
      if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
      throw error;
    }
  }

  /** Deletes the object. Deleting a key that does not exist succeeds, as in S3. */
  async delete(key: string): Promise<void> {
    await this.call('delete', { key });
  }

  /** Lists keys in UTF-8 binary order, one page at a time, as ListObjectsV2. */
  async list(options: ListOptions = {}): Promise<ObjectListing> {
    const output = await this.call('list', { ...options }) as ListObjectsOutput;
    return {
      objects: output.contents.map((object) => ({ ...object, lastModified: new Date(object.lastModified) })),
      commonPrefixes: output.commonPrefixes,
      isTruncated: output.isTruncated,
      nextContinuationToken: output.nextContinuationToken,
    };
  }

  /** Returns a URL that lets anyone holding it upload this key with an HTTP PUT until it expires. */
  async presignPut(key: string, options: PresignPutOptions = {}): Promise<string> {
    const output = await this.call('presignPut', { key, expiresIn: options.expiresIn, contentType: options.contentType }) as { url: string };
    return output.url;
  }

  /** Returns a URL that lets anyone holding it download this key with an HTTP GET until it expires. */
  async presignGet(key: string, options: PresignOptions = {}): Promise<string> {
    const output = await this.call('presignGet', { key, expiresIn: options.expiresIn }) as { url: string };
    return output.url;
  }

  private call(op: string, input: unknown): Promise<unknown> {
    return callDriver('bucket', this.name, op, input);
  }
}

function toObjectInfo(output: ObjectAttributesOutput): ObjectInfo {
  return {
    key: output.key,
    size: output.size,
    etag: output.etag,
    contentType: output.contentType,
    metadata: output.metadata,
    lastModified: new Date(output.lastModified),
  };
}
