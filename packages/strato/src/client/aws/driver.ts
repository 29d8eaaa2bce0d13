/**
 * The AWS driver: runs the clients' operations with the AWS SDK v3, with the
 * region and credentials that Lambda gives the function. Loaded only outside
 * the local cloud.
 */
import type { Driver } from '../protocol.ts';
import { createDatabaseOperations } from './rds-data-operations.ts';
import { createTableOperations } from './dynamodb-operations.ts';
import { createBusOperations } from './eventbridge-operations.ts';
import { createStreamOperations } from './kinesis-operations.ts';
import { createFunctionOperations } from './lambda-operations.ts';
import { createBucketOperations } from './s3-operations.ts';
import { createQueueOperations } from './sqs-operations.ts';
import { loadAwsSdk } from './sdk.ts';

/** Operations of one resource kind, by the name the clients send. */
export type OperationTable = Readonly<Record<string, (resource: string, input: never) => Promise<unknown>>>;

export async function createAwsDriver(): Promise<Driver> {
  const sdk = await loadAwsSdk();

  // A custom endpoint (AWS_ENDPOINT_URL, as for an emulator on 127.0.0.1) has
  // no bucket subdomains, so S3 requests then name the bucket in the path.
  const customEndpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const s3 = new sdk.s3.S3Client({
    forcePathStyle: customEndpoint !== undefined,
    // With the SDK's default (WHEN_SUPPORTED), a presigned PUT URL carries the
    // CRC32 checksum of an empty body, so S3 would reject every real upload.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // Attributes set to undefined are left out, as the local store leaves them out of its JSON.
  const documents = sdk.documents.DynamoDBDocumentClient.from(new sdk.dynamodb.DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

  const operations: Readonly<Record<string, OperationTable>> = {
    bucket: createBucketOperations(sdk, s3),
    table: createTableOperations(sdk, documents),
    bus: createBusOperations(),
    queue: createQueueOperations(),
    stream: createStreamOperations(),
    function: createFunctionOperations(),
    database: createDatabaseOperations(),
  };

  return {
    async call(kind, resource, op, input) {
      const kindOperations = operations[kind];
      const operation = kindOperations && Object.hasOwn(kindOperations, op) ? kindOperations[op] : undefined;
      if (!operation) {
        const error = new Error(`The AWS driver has no operation "${op}" for resources of kind "${kind}".`);
        error.name = 'UnknownOperationException';
        throw error;
      }
      return operation(resource, (input ?? {}) as never);
    },
  };
}
