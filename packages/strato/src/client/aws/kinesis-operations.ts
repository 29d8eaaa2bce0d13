/**
 * Stream operations on Kinesis Data Streams, returning the shapes of the
 * local router. The Kinesis client is imported on the first call.
 *
 * The client talks HTTP/1.1: its default HTTP/2 handler exists for
 * SubscribeToShard, which the stream client does not use, and AWS API
 * emulators such as moto serve only HTTP/1.1.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';

import type { PutRecordInput } from '../../local/streams/types.ts';
import type { OperationTable } from './driver.ts';

export function createStreamOperations(): OperationTable {
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-kinesis'); client: KinesisClient }> | undefined;
  const load = () => {
    loaded ??= Promise.all([import('@aws-sdk/client-kinesis'), import('@smithy/node-http-handler')])
      .then(([sdk, http]) => ({ sdk, client: new sdk.KinesisClient({ requestHandler: new http.NodeHttpHandler() }) }));
    return loaded;
  };

  return {
    async put(stream: string, input: PutRecordInput) {
      const { sdk, client } = await load();
      const output = await client.send(new sdk.PutRecordCommand({ StreamName: stream, Data: input.data, PartitionKey: input.partitionKey, ExplicitHashKey: input.explicitHashKey }));
      return { shardId: output.ShardId, sequenceNumber: output.SequenceNumber };
    },

    async putBatch(stream: string, input: { records: PutRecordInput[] }) {
      const { sdk, client } = await load();
      const output = await client.send(new sdk.PutRecordsCommand({
        StreamName: stream,
        Records: input.records.map((record) => ({ Data: record.data, PartitionKey: record.partitionKey, ExplicitHashKey: record.explicitHashKey })),
      }));
      return {
        failedRecordCount: output.FailedRecordCount ?? 0,
        records: (output.Records ?? []).map((record) => record.ErrorCode !== undefined
          ? { errorCode: record.ErrorCode, errorMessage: record.ErrorMessage ?? '' }
          : { shardId: record.ShardId, sequenceNumber: record.SequenceNumber }),
      };
    },
  };
}
