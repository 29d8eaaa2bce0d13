import { appendFileSync } from 'node:fs';

import type { APIGatewayProxyEventV2, DynamoDBStreamEvent, EventBridgeEvent, KinesisStreamEvent, S3Event, SQSEvent } from 'aws-lambda';
import { bucket, bus, queue, stream, table } from 'strato/client';

const work = queue('work');
const clicks = stream('clicks');
const events = bus();
const uploads = bucket('uploads');
const items = table<{ id: string }>('items');

/** Appends one `<path> <id>` line per id. The write returns once the data is in the kernel's page cache, so it outlives a SIGKILL. */
function record(path: string, ids: readonly string[]): void {
  appendFileSync(process.env.DELIVERED_LOG!, ids.map((id) => `${path} ${id}\n`).join(''));
}

/**
 * Sends every id of the body to each store and returns 200 only once every
 * call returned, which is when the ids count as acknowledged. A partial
 * failure throws, so the caller sees an error and counts none of them.
 */
export const produce = async (event: APIGatewayProxyEventV2) => {
  const { ids } = JSON.parse(event.body ?? '{}') as { ids: string[] };

  const [sent, put, published] = await Promise.all([
    work.sendBatch(ids.map((id) => ({ id, body: { id } }))),
    clicks.putBatch(ids.map((id) => ({ data: { id }, partitionKey: id }))),
    events.publishBatch(ids.map((id) => ({ source: 'crash.flow', detailType: 'Produced', detail: { id } }))),
    ...ids.map((id) => uploads.put(`in/${id}`, id)),
    ...ids.map((id) => items.put({ id })),
  ]);

  const failures = [
    ...sent.failed.map((entry) => `queue ${entry.id}: ${entry.code}`),
    ...(put.failedRecordCount ? [`stream: ${put.failedRecordCount} records failed`] : []),
    ...published.filter((result) => 'errorCode' in result).map((result) => `bus: ${(result as { errorCode: string }).errorCode}`),
  ];
  if (failures.length > 0) throw new Error(`some sends failed: ${failures.join('; ')}`);
  return { acknowledged: ids };
};

/**
 * Records direct messages as `queue` and messages the bus relayed as `relay`.
 * A relayed body is the whole EventBridge event, whose own `id` is the event id.
 */
export const onQueue = async (event: SQSEvent) => {
  const bodies = event.Records.map((message) => JSON.parse(message.body) as { id: string; detail?: { id: string } });
  record('queue', bodies.filter((body) => body.detail === undefined).map((body) => body.id));
  record('relay', bodies.filter((body) => body.detail !== undefined).map((body) => body.detail!.id));
};

export const onStream = async (event: KinesisStreamEvent) => {
  record('stream', event.Records.map((entry) => (JSON.parse(Buffer.from(entry.kinesis.data, 'base64').toString()) as { id: string }).id));
};

export const onEvent = async (event: EventBridgeEvent<'Produced', { id: string }>) => {
  record('bus', [event.detail.id]);
};

export const onUpload = async (event: S3Event) => {
  record('upload', event.Records.map((entry) => decodeURIComponent(entry.s3.object.key).slice('in/'.length)));
};

export const onChange = async (event: DynamoDBStreamEvent) => {
  record('change', event.Records.map((entry) => entry.dynamodb!.Keys!.id!.S!));
};
