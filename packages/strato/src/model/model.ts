/**
 * The resolved application model: validated, with defaults applied and every
 * reference turned into an object. Both the local cloud and the AWS synthesis
 * read only this.
 */
import type { AuthConfig, BucketEventName, CorsConfig, KeyType, Runtime, StreamConsumerConfig } from './config.ts';

export type ResourceKind = 'bucket' | 'table' | 'database' | 'queue' | 'stream' | 'bus' | 'function';

export interface ResourceModel {
  readonly kind: ResourceKind;
  /** `service.name`, unique in the application. */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  /** Name the resource has on AWS and in the local cloud: `app-service-name`. */
  readonly physicalName: string;
  /** Environment variable that carries the physical name to linked functions. */
  readonly envVar: string;
}

export interface BucketNotificationModel {
  readonly functionId: string;
  readonly events: readonly BucketEventName[];
  readonly prefix: string;
  readonly suffix: string;
}

export interface BucketModel extends ResourceModel {
  readonly kind: 'bucket';
  readonly notifications: readonly BucketNotificationModel[];
}

export interface IndexModel {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly sortKeyType: KeyType;
}

export interface TableModel extends ResourceModel {
  readonly kind: 'table';
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly sortKeyType: KeyType;
  readonly indexes: readonly IndexModel[];
  readonly ttlAttribute?: string;
  readonly stream?: {
    readonly viewType: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
    readonly consumers: readonly StreamConsumerModel[];
  };
}

export interface DatabaseModel extends ResourceModel {
  readonly kind: 'database';
  /** Absolute path of the migrations folder, when the config names one. */
  readonly migrationsDir?: string;
}

export interface QueueModel extends ResourceModel {
  readonly kind: 'queue';
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly deliveryDelaySeconds: number;
  /** Dead-letter queue and the receive count that sends a message there. */
  readonly deadLetter?: { readonly queueId: string; readonly maxReceiveCount: number };
  readonly consumer?: {
    readonly functionId: string;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    readonly reportBatchItemFailures: boolean;
  };
}

/** Settings of an event source mapping on a Kinesis stream or a table's change stream, with AWS's defaults applied. */
export interface StreamConsumerModel extends Required<Omit<StreamConsumerConfig, 'function' | 'onFailure' | 'startingPositionTimestamp'>> {
  readonly functionId: string;
  readonly startingPositionTimestamp?: number;
  /** Id of the queue that receives records of batches that failed for good. */
  readonly onFailureQueueId?: string;
}

export interface StreamModel extends ResourceModel {
  readonly kind: 'stream';
  readonly shards: number;
  readonly retentionHours: number;
  readonly consumers: readonly StreamConsumerModel[];
}

/** The application's one event bus. Any function may link it as `bus`. */
export interface BusModel extends ResourceModel {
  readonly kind: 'bus';
}

/** A function as the target of a link: another function invokes it asynchronously. */
export interface FunctionLinkModel extends ResourceModel {
  readonly kind: 'function';
}

export type AnyResourceModel = BucketModel | TableModel | DatabaseModel | QueueModel | StreamModel | BusModel | FunctionLinkModel;

export type DestinationModel =
  | { readonly kind: 'function'; readonly functionId: string }
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'bus' };

export interface AsyncInvokeModel {
  readonly maxRetryAttempts: number;
  readonly maxEventAgeSeconds: number;
  readonly onSuccess?: DestinationModel;
  readonly onFailure?: DestinationModel;
}

export interface RuleModel {
  /** `service.name`. */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  /** Rule name on AWS: `app-service-name`. */
  readonly physicalName: string;
  readonly pattern: Readonly<Record<string, unknown>>;
  readonly targets: readonly ({ readonly kind: 'function'; readonly functionId: string } | { readonly kind: 'queue'; readonly queueId: string })[];
}

export interface ScheduleModel {
  readonly id: string;
  readonly service: string;
  readonly name: string;
  readonly physicalName: string;
  /** The expression as written: `rate(...)` or `cron(...)`. */
  readonly expression: string;
  readonly functionId: string;
}

export interface AuthModel {
  /** Physical name of the user pool. */
  readonly physicalName: string;
  readonly passwordPolicy: Required<NonNullable<AuthConfig['passwordPolicy']>>;
  readonly groups: readonly string[];
}

export interface SiteModel {
  readonly id: string;
  readonly service: string;
  readonly name: string;
  /** Absolute path of the built site. */
  readonly dir: string;
  readonly build?: string;
  /** Absolute path the build command runs in. */
  readonly cwd: string;
  readonly spa: boolean;
}

export interface FunctionModel {
  /** `service.name`, unique in the application. */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  /** Lambda function name: `app-service-name`. */
  readonly physicalName: string;
  /** Handler as written in the config, such as `services/photos/create.handler`. */
  readonly handler: string;
  /** Absolute path of the handler's source file. */
  readonly handlerFile: string;
  /** Name of the exported handler function. */
  readonly handlerExport: string;
  readonly runtime: Runtime;
  readonly memoryMB: number;
  readonly timeoutSeconds: number;
  /** The user's environment variables merged with one variable per link. */
  readonly environment: Readonly<Record<string, string>>;
  readonly links: readonly AnyResourceModel[];
  readonly reservedConcurrency?: number;
  readonly async: AsyncInvokeModel;
}

export interface RouteModel {
  /** `METHOD /path`, as API Gateway writes a route key. `ANY` matches every method. */
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly service: string;
  readonly functionId: string;
  /** Present when the route requires a token of the application's user pool. */
  readonly auth?: { readonly scopes: readonly string[] };
}

export interface ApiModel {
  readonly cors?: CorsConfig;
}

export interface ServiceModel {
  readonly name: string;
  readonly functions: readonly FunctionModel[];
  readonly routes: readonly RouteModel[];
  readonly buckets: readonly BucketModel[];
  readonly tables: readonly TableModel[];
  readonly databases: readonly DatabaseModel[];
  readonly queues: readonly QueueModel[];
  readonly streams: readonly StreamModel[];
  readonly rules: readonly RuleModel[];
  readonly schedules: readonly ScheduleModel[];
  readonly sites: readonly SiteModel[];
}

export interface AppModel {
  readonly name: string;
  /** Absolute path of the application folder, the one holding `strato.config.ts`. */
  readonly root: string;
  readonly services: readonly ServiceModel[];
  readonly functions: readonly FunctionModel[];
  readonly routes: readonly RouteModel[];
  readonly buckets: readonly BucketModel[];
  readonly tables: readonly TableModel[];
  readonly databases: readonly DatabaseModel[];
  readonly queues: readonly QueueModel[];
  readonly streams: readonly StreamModel[];
  readonly rules: readonly RuleModel[];
  readonly schedules: readonly ScheduleModel[];
  readonly sites: readonly SiteModel[];
  readonly bus: BusModel;
  readonly auth?: AuthModel;
  readonly api: ApiModel;
}

/** Returns the function with this id, or with this name when only one function has it. */
export function findFunction(app: AppModel, idOrName: string): FunctionModel | undefined {
  const byId = app.functions.find((fn) => fn.id === idOrName || fn.physicalName === idOrName);
  if (byId) return byId;

  const byName = app.functions.filter((fn) => fn.name === idOrName);
  return byName.length === 1 ? byName[0] : undefined;
}
