/**
 * Bucket operations on S3, returning the shapes of the local router.
 */
import type { S3Client } from '@aws-sdk/client-s3';

import type { GetObjectOutput, ListObjectsOutput, ListObjectsRequest, ObjectAttributesOutput, PresignRequest } from '../protocol.ts';
import type { OperationTable } from './driver.ts';
import type { AwsSdk } from './sdk.ts';

/** The AWS SDK's default lifetime of a presigned URL, in seconds. */
const PRESIGN_DEFAULT_SECONDS = 900;

interface PutRequest {
  readonly key: string;
  readonly body: string | Uint8Array;
  readonly contentType?: string;
  readonly metadata?: Record<string, string>;
}

export function createBucketOperations(sdk: AwsSdk, s3: S3Client): OperationTable {
  const { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } = sdk.s3;
  const { getSignedUrl } = sdk.presigner;

  return {
    async put(bucket: string, input: PutRequest): Promise<Pick<ObjectAttributesOutput, 'key' | 'etag' | 'size'>> {
      const output = await s3.send(new PutObjectCommand({
        Bucket: bucket,
        Key: input.key,
        Body: input.body,
        ContentType: input.contentType,
        Metadata: input.metadata,
      }));
      const size = typeof input.body === 'string' ? Buffer.byteLength(input.body) : input.body.byteLength;
      return { key: input.key, etag: output.ETag ?? '', size };
    },

    async get(bucket: string, input: { key: string }): Promise<GetObjectOutput> {
      const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: input.key }));
      const body = output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
      return { ...attributesOf(input.key, output), body };
    },

    async head(bucket: string, input: { key: string }): Promise<ObjectAttributesOutput> {
      const output = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: input.key }));
      return attributesOf(input.key, output);
    },

    async delete(bucket: string, input: { key: string }): Promise<Record<string, never>> {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: input.key }));
      return {};
    },

    async list(bucket: string, input: ListObjectsRequest): Promise<ListObjectsOutput> {
      const output = await s3.send(new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: input.prefix,
        Delimiter: input.delimiter,
        MaxKeys: input.maxKeys,
        ContinuationToken: input.continuationToken,
      }));
      return {
        contents: (output.Contents ?? []).map((object) => ({
          key: object.Key ?? '',
          size: object.Size ?? 0,
          etag: object.ETag ?? '',
          lastModified: object.LastModified?.getTime() ?? 0,
        })),
        commonPrefixes: (output.CommonPrefixes ?? []).map((prefix) => prefix.Prefix ?? ''),
        isTruncated: output.IsTruncated === true,
        nextContinuationToken: output.NextContinuationToken,
      };
    },

    async presignPut(bucket: string, input: PresignRequest): Promise<{ url: string }> {
      const command = new PutObjectCommand({ Bucket: bucket, Key: input.key, ContentType: input.contentType });
      // Signing the Content-Type header makes S3 reject an upload that sends another type.
      const signableHeaders = input.contentType === undefined ? undefined : new Set(['content-type']);
      return { url: await getSignedUrl(s3, command, { expiresIn: input.expiresIn ?? PRESIGN_DEFAULT_SECONDS, signableHeaders }) };
    },

    async presignGet(bucket: string, input: PresignRequest): Promise<{ url: string }> {
      const command = new GetObjectCommand({ Bucket: bucket, Key: input.key });
      return { url: await getSignedUrl(s3, command, { expiresIn: input.expiresIn ?? PRESIGN_DEFAULT_SECONDS }) };
    },
  };
}

interface ObjectHeaders {
  readonly ContentLength?: number;
  readonly ETag?: string;
  readonly ContentType?: string;
  readonly Metadata?: Record<string, string>;
  readonly LastModified?: Date;
}

function attributesOf(key: string, output: ObjectHeaders): ObjectAttributesOutput {
  return {
    key,
    size: output.ContentLength ?? 0,
    etag: output.ETag ?? '',
    contentType: output.ContentType ?? 'binary/octet-stream',
    metadata: output.Metadata ?? {},
    lastModified: output.LastModified?.getTime() ?? 0,
  };
}
