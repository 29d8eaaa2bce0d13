/**
 * Stream operations as `strato/client` sends them, for the resource router.
 * Record data crosses the channel as Uint8Array.
 */
import { AwsError, notAuthorizedMessage, type KindHandler, type LocalAccount, type OperationRequest } from '../router/index.ts';
import type { StreamEngine } from './engine.ts';
import type { PutRecordInput } from './types.ts';

const streamArn = (request: OperationRequest, account: LocalAccount) =>
  `arn:aws:kinesis:${account.region}:${account.accountId}:stream/${request.resource}`;

export function createStreamHandler(streams: StreamEngine): KindHandler {
  return {
    operations: {
      put: {
        action: 'kinesis:PutRecord',
        resourceArn: streamArn,
        run: ({ resource, input }) => streams.putRecord(resource, (input ?? {}) as PutRecordInput),
      },
      putBatch: {
        action: 'kinesis:PutRecords',
        resourceArn: streamArn,
        run: ({ resource, input }) => streams.putRecords(resource, (input as { records?: PutRecordInput[] } | undefined)?.records ?? []),
      },
    },

    accessDenied(caller, action, resourceArn) {
      return new AwsError('AccessDeniedException', notAuthorizedMessage(caller, action, resourceArn));
    },

    unknownOperation(op) {
      return new AwsError('UnknownOperationException', `Unknown stream operation "${op}". Use put or putBatch.`);
    },
  };
}
