/**
 * Bucket operations as `strato/client` sends them, run on the bucket store.
 * Results carry plain values (bytes, numbers, strings) so that every channel
 * can carry them.
 */
import type { BucketStore, ObjectInfo } from '../buckets/index.ts';
import type { LocalAccount } from './identity.ts';
import { AwsError, notAuthorizedMessage, type KindHandler, type Operation, type OperationRequest } from './kind-handler.ts';

/** The part of the bucket store that the router uses. */
export type BucketBackend = Pick<BucketStore, 'put' | 'get' | 'head' | 'delete' | 'list'>;

export interface PresignInput {
  readonly bucket: string;
  readonly key: string;
  readonly method: 'GET' | 'PUT';
  /** Seconds the URL stays valid. */
  readonly expiresIn: number;
  /** Content type a PUT must send, signed into the URL. */
  readonly contentType?: string;
  /** Principal that signs the URL; S3 events of uploads through it name it as `userIdentity.principalId`. */
  readonly principalId?: string;
}

/** Signs URLs that the gateway serves, such as the buckets' presigner. */
export interface Presigner {
  presign(input: PresignInput): string | Promise<string>;
}

/** An object's metadata as the client receives it. */
export interface ObjectAttributes {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
}

/**
 * `expiresIn` of a presigned URL: the AWS SDK's default, and SigV4's maximum of 7 days.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
 */
export const PRESIGN_DEFAULT_SECONDS = 900;
export const PRESIGN_MAX_SECONDS = 7 * 24 * 3600;

interface KeyInput { readonly key: string }
interface PutInput extends KeyInput {
  readonly body: string | Uint8Array;
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}
interface ListInput { readonly prefix?: string; readonly delimiter?: string; readonly maxKeys?: number; readonly continuationToken?: string }
interface PresignOptions extends KeyInput { readonly expiresIn?: number; readonly contentType?: string }

const objectArn = ({ resource, input }: OperationRequest) => `arn:aws:s3:::${resource}/${(input as Partial<KeyInput>)?.key ?? ''}`;
const bucketArn = ({ resource }: OperationRequest) => `arn:aws:s3:::${resource}`;

export function createBucketHandler(buckets: BucketBackend, presigner?: Presigner): KindHandler {
  const objectOperation = (action: string, run: (request: OperationRequest) => unknown): Operation =>
    ({ action: `s3:${action}`, resourceArn: objectArn, run });

  const presign = async ({ resource, input, caller }: OperationRequest, method: 'GET' | 'PUT') => {
    const options = input as PresignOptions;
    const key = requireKey(options);
    if (!presigner) {
      throw new AwsError('NotImplemented', 'Presigned URLs are not available: this local cloud was started without a presigner.', 501);
    }
    const expiresIn = readExpiresIn(options.expiresIn);
    return { url: await presigner.presign({ bucket: resource, key, method, expiresIn, contentType: method === 'PUT' ? options.contentType : undefined, principalId: caller.principalId }) };
  };

  return {
    operations: {
      put: objectOperation('PutObject', async ({ resource, input, caller }) => {
        const { key, body, contentType, metadata } = input as PutInput;
        if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
          throw new AwsError('InvalidArgument', `The object body must be a string or a Uint8Array; received ${typeof body}.`);
        }
        const info = await buckets.put({ bucket: resource, key: requireKey(input), body, contentType, metadata }, { principalId: caller.principalId });
        return attributesOf(info);
      }),

      get: objectOperation('GetObject', async ({ resource, input }) => {
        const { info, body } = await buckets.get(resource, requireKey(input));
        return { ...attributesOf(info), body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
      }),

      // HeadObject needs s3:GetObject. https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
      head: objectOperation('GetObject', async ({ resource, input }) => attributesOf(await buckets.head(resource, requireKey(input)))),

      delete: objectOperation('DeleteObject', async ({ resource, input, caller }) => {
        await buckets.delete(resource, requireKey(input), { principalId: caller.principalId });
        return {};
      }),

      list: {
        action: 's3:ListBucket',
        resourceArn: bucketArn,
        run: ({ resource, input }) => {
          const page = buckets.list({ ...(input as ListInput), bucket: resource });
          const contents = page.contents.map((object) => ({ ...object, lastModified: object.lastModified.getTime() }));
          return { ...page, contents };
        },
      },

      presignPut: objectOperation('PutObject', (request) => presign(request, 'PUT')),
      presignGet: objectOperation('GetObject', (request) => presign(request, 'GET')),
    },

    // S3 quotes the resource in its message, unlike DynamoDB.
    accessDenied(caller, action, resourceArn) {
      return new AwsError('AccessDenied', notAuthorizedMessage(caller, action, `"${resourceArn}"`), 403);
    },

    unknownOperation(op) {
      return new AwsError('NotImplemented', `Unknown bucket operation "${op}". Use put, get, head, delete, list, presignPut or presignGet.`, 501);
    },
  };
}

function requireKey(input: unknown): string {
  const key = (input as Partial<KeyInput> | undefined)?.key;
  if (typeof key !== 'string' || key === '') {
    throw new AwsError('InvalidArgument', `The object key must be a non-empty string; received ${JSON.stringify(key) ?? 'nothing'}.`);
  }
  return key;
}

function readExpiresIn(expiresIn: unknown): number {
  if (expiresIn === undefined) return PRESIGN_DEFAULT_SECONDS;
  if (!Number.isInteger(expiresIn) || (expiresIn as number) < 1 || (expiresIn as number) > PRESIGN_MAX_SECONDS) {
    throw new AwsError('AuthorizationQueryParametersError', `expiresIn must be a whole number of seconds from 1 to ${PRESIGN_MAX_SECONDS} (7 days); received ${String(expiresIn)}.`);
  }
  return expiresIn as number;
}

function attributesOf(info: ObjectInfo): ObjectAttributes {
  return {
    key: info.key,
    size: info.size,
    etag: info.etag,
    contentType: info.contentType,
    metadata: info.metadata,
    lastModified: info.lastModified.getTime(),
  };
}
