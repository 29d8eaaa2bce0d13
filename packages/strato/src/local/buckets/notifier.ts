/**
 * Turns object changes into S3 event notifications: each notification of
 * the bucket whose event type and key filters match gets one record,
 * queued as an asynchronous invocation of its function.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
import type { BucketModel, BucketNotificationModel } from '../../model/index.ts';
import { createSequencer, s3EventRecord, type S3EventName } from './s3-event.ts';
import type { ObjectChange, ObjectChangeListener } from './types.ts';

/** Durable queue of asynchronous invocations that receives the notifications. `AsyncInvoker` implements it. */
export interface AsyncEventQueue {
  /** Resolves once the event is stored durably. */
  enqueue(functionId: string, event: unknown): Promise<unknown>;
}

export interface BucketNotifierOptions {
  readonly buckets: readonly BucketModel[];
  readonly queue: AsyncEventQueue;
  /** `awsRegion` of the records. @default 'us-east-1' */
  readonly region?: string;
}

/** Principal of requests that name none, such as uploads through a presigned URL. */
export const ANONYMOUS_PRINCIPAL = 'AWS:STRATOLOCAL';

export class BucketNotifier implements ObjectChangeListener {
  private readonly queue: AsyncEventQueue;
  private readonly region: string;
  private readonly nextSequencer = createSequencer();
  private notificationsByBucket = new Map<string, readonly BucketNotificationModel[]>();

  constructor(options: BucketNotifierOptions) {
    this.queue = options.queue;
    this.region = options.region ?? 'us-east-1';
    this.setBuckets(options.buckets);
  }

  /** Replaces the notification settings, as after the config changed. */
  setBuckets(buckets: readonly BucketModel[]): void {
    this.notificationsByBucket = new Map(buckets.map((bucket) => [bucket.physicalName, bucket.notifications]));
  }

  async objectChanged(change: ObjectChange): Promise<void> {
    const bucket = change.type === 'created' ? change.info.bucket : change.bucket;
    const key = change.type === 'created' ? change.info.key : change.key;
    const eventName: S3EventName = change.type === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete';
    const notifications = this.notificationsByBucket.get(bucket) ?? [];

    for (const [index, notification] of notifications.entries()) {
      if (!matches(notification, eventName, key)) continue;

      const record = s3EventRecord({
        eventName,
        region: this.region,
        time: change.type === 'created' ? change.info.lastModified : new Date(),
        bucket,
        key,
        configurationId: configurationIdOf(notification, index),
        principalId: change.context.principalId ?? ANONYMOUS_PRINCIPAL,
        sourceIp: change.context.sourceIp ?? '127.0.0.1',
        sequencer: this.nextSequencer(),
        ...(change.type === 'created' ? { size: change.info.size, md5: change.info.etag.slice(1, -1) } : {}),
      });
      await this.queue.enqueue(notification.functionId, { Records: [record] });
    }
  }
}

/** Checks the event type (with `*` wildcards) and the prefix and suffix filters, which S3 applies to the raw key. */
function matches(notification: BucketNotificationModel, eventName: S3EventName, key: string): boolean {
  const typeMatches = notification.events.some((pattern) => {
    const name = pattern.slice('s3:'.length);
    return name.endsWith(':*') ? eventName.startsWith(name.slice(0, -1)) : name === eventName;
  });
  return typeMatches && key.startsWith(notification.prefix) && key.endsWith(notification.suffix);
}

/** The model names no notification ids, so each gets a stable one from its function and position. */
function configurationIdOf(notification: BucketNotificationModel, index: number): string {
  return `${notification.functionId.replace('.', '-')}-${index}`;
}
