/**
 * The options a user writes in `strato.config.ts`. Everything here is plain
 * data: `resolveApp` validates it, applies the defaults and freezes the result
 * into an `AppModel`.
 */

/** Runtimes a function can use. */
export type Runtime = 'nodejs20.x' | 'python3.12';

export interface AppConfig {
  /** Application name, used as a prefix of every physical resource name. Lower case letters, digits and dashes. */
  readonly name: string;
  /** The services of the application, keyed by service name. */
  readonly services: Readonly<Record<string, ServiceConfig>>;
  /** Settings of the application's HTTP API, which serves the routes of every service. */
  readonly api?: ApiConfig;
  /** The user pool of the application. Routes opt in to its JWT authorizer with `auth`. */
  readonly auth?: AuthConfig;
}

export interface ServiceConfig {
  /** Functions, keyed by function name. */
  readonly functions?: Readonly<Record<string, FunctionConfig>>;
  /**
   * HTTP routes of this service, keyed by route key (`METHOD /path/{param}`),
   * each naming a function of this service.
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
   */
  readonly routes?: Readonly<Record<string, string | RouteConfig>>;
  /** Buckets owned by this service, keyed by bucket name. */
  readonly buckets?: Readonly<Record<string, BucketConfig>>;
  /** Tables owned by this service, keyed by table name. */
  readonly tables?: Readonly<Record<string, TableConfig>>;
  /** SQL databases (Postgres dialect) owned by this service, keyed by database name. */
  readonly databases?: Readonly<Record<string, DatabaseConfig>>;
  /** Queues owned by this service, keyed by queue name. */
  readonly queues?: Readonly<Record<string, QueueConfig>>;
  /** Streams owned by this service, keyed by stream name. */
  readonly streams?: Readonly<Record<string, StreamConfig>>;
  /** Rules on the application's event bus that deliver matching events to this service's functions and queues. */
  readonly rules?: Readonly<Record<string, RuleConfig>>;
  /** Schedules that invoke this service's functions, keyed by schedule name. */
  readonly schedules?: Readonly<Record<string, ScheduleConfig>>;
  /** Static sites served by this service, keyed by site name. */
  readonly sites?: Readonly<Record<string, SiteConfig>>;
}

export interface FunctionConfig {
  /** Handler as Lambda writes it: a file path relative to the application folder, without extension, then `.` and the export name. Example: `services/photos/create-photo.handler`. */
  readonly handler: string;
  /** @default 'nodejs20.x' */
  readonly runtime?: Runtime;
  /**
   * Memory in MB, 128 to 10240.
   * @default 128
   */
  readonly memory?: number;
  /**
   * Timeout in seconds, 1 to 900.
   * @default 3
   */
  readonly timeout?: number;
  /** Environment variables of the function. Together with the injected ones at most 4 KB. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Names of what this function may use: resources of the same service
   * (buckets, tables, queues, streams), functions of the same service (to
   * invoke them asynchronously), and `bus` for the application's event bus.
   */
  readonly links?: readonly string[];
  /** Maximum number of concurrent execution environments. Without it, the account limit applies. */
  readonly reservedConcurrency?: number;
  /**
   * Retry settings and result destinations of this function's asynchronous invocations.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
   */
  readonly async?: AsyncInvokeConfig;
}

export interface AsyncInvokeConfig {
  /**
   * Retries after a function error, 0 to 2.
   * @default 2
   */
  readonly maxRetryAttempts?: number;
  /**
   * Maximum age of an event in seconds, 60 to 21600.
   * @default 21600
   */
  readonly maxEventAge?: number;
  readonly onSuccess?: DestinationConfig;
  readonly onFailure?: DestinationConfig;
}

/** Target of an invocation record: a function or queue of the same service, or the application's bus. */
export type DestinationConfig = { readonly function: string } | { readonly queue: string } | { readonly bus: true };

export interface RouteConfig {
  /** Name of the function of this service that serves the route. */
  readonly function: string;
  /**
   * Requires a valid token of the application's user pool, checked by a JWT
   * authorizer. `true` accepts any valid token; `{ scopes }` also requires
   * one of the scopes.
   * @default false
   */
  readonly auth?: boolean | { readonly scopes: readonly string[] };
}

export interface ApiConfig {
  /** CORS settings, as an HTTP API takes them. No CORS headers are sent without it. */
  readonly cors?: CorsConfig;
}

/** @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html */
export interface CorsConfig {
  readonly allowOrigins: readonly string[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  readonly allowCredentials?: boolean;
  /** Seconds a browser may cache a preflight response. */
  readonly maxAge?: number;
}

export type BucketEventName =
  | 's3:ObjectCreated:*'
  | 's3:ObjectCreated:Put'
  | 's3:ObjectCreated:Post'
  | 's3:ObjectCreated:Copy'
  | 's3:ObjectRemoved:*'
  | 's3:ObjectRemoved:Delete';

export interface BucketConfig {
  /** Functions of this service to invoke asynchronously when objects change. */
  readonly notifications?: readonly BucketNotificationConfig[];
}

/** @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html */
export interface BucketNotificationConfig {
  readonly function: string;
  readonly events: readonly BucketEventName[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export type KeyType = 'string' | 'number';

export interface TableConfig {
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** @default 'string' */
  readonly sortKeyType?: KeyType;
  /** Global secondary indexes, keyed by index name. */
  readonly indexes?: Readonly<Record<string, { readonly partitionKey: string; readonly sortKey?: string; readonly sortKeyType?: KeyType }>>;
  /** Attribute holding an expiry time in epoch seconds; expired items are deleted. */
  readonly ttlAttribute?: string;
  /**
   * Change stream of the table and the functions it invokes.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
   */
  readonly stream?: {
    readonly viewType: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
    readonly consumers?: readonly StreamConsumerConfig[];
  };
}

/** A Postgres database: PGlite locally, Aurora Serverless v2 PostgreSQL on AWS. */
export interface DatabaseConfig {
  /**
   * Folder of `.sql` migrations, relative to the application folder, applied
   * in file name order, each once.
   */
  readonly migrations?: string;
}

/** @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-parameters.html */
export interface QueueConfig {
  /**
   * A FIFO queue: ordered per message group, deduplicated. Its physical name ends in `.fifo`.
   * @default false
   */
  readonly fifo?: boolean;
  /** @default false */
  readonly contentBasedDeduplication?: boolean;
  /**
   * Seconds a received message stays hidden, 0 to 43200.
   * @default 30
   */
  readonly visibilityTimeout?: number;
  /**
   * Seconds a message is kept, 60 to 1209600.
   * @default 345600
   */
  readonly retentionPeriod?: number;
  /**
   * Seconds every new message is hidden, 0 to 900.
   * @default 0
   */
  readonly deliveryDelay?: number;
  /** Receives after which a message moves to the queue's dead-letter queue, named `<queue>-dlq`. Without it there is no dead-letter queue. */
  readonly maxReceiveCount?: number;
  /** A function that receives the queue's messages in batches. */
  readonly consumer?: QueueConsumerConfig;
}

/** @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html */
export interface QueueConsumerConfig {
  readonly function: string;
  /**
   * Messages per batch, 1 to 10000 (10 for FIFO queues).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Seconds to gather a batch, 0 to 300.
   * @default 0
   */
  readonly maxBatchingWindow?: number;
  /**
   * The handler may return `batchItemFailures` to retry only those messages.
   * @default false
   */
  readonly reportBatchItemFailures?: boolean;
}

/** @see https://docs.aws.amazon.com/streams/latest/dev/introduction.html */
export interface StreamConfig {
  /** @default 1 */
  readonly shards?: number;
  /**
   * Hours a record is kept, 24 to 8760.
   * @default 24
   */
  readonly retentionHours?: number;
  /** Functions that read the stream, as event source mappings. */
  readonly consumers?: readonly StreamConsumerConfig[];
}

/** @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html */
export interface StreamConsumerConfig {
  readonly function: string;
  /**
   * Records per batch, 1 to 10000.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Seconds to gather a batch, 0 to 300.
   * @default 0
   */
  readonly maxBatchingWindow?: number;
  /** @default 'LATEST' */
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON' | 'AT_TIMESTAMP';
  /** Epoch seconds, with `AT_TIMESTAMP`. */
  readonly startingPositionTimestamp?: number;
  /**
   * Retries of a failing batch, -1 (until the record expires) to 10000.
   * @default -1
   */
  readonly maxRetryAttempts?: number;
  /**
   * Seconds after which a record is no longer retried, -1 (no limit) or 60 to 604800.
   * @default -1
   */
  readonly maxRecordAge?: number;
  /** @default false */
  readonly bisectBatchOnError?: boolean;
  /**
   * Batches processed at once per shard, 1 to 10.
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /** A queue of the same service that receives a record of each batch that failed for good. */
  readonly onFailure?: { readonly queue: string };
  /** @default false */
  readonly reportBatchItemFailures?: boolean;
}

/**
 * An EventBridge rule on the application's bus.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export interface RuleConfig {
  /** Event pattern, as EventBridge writes it. */
  readonly pattern: Readonly<Record<string, unknown>>;
  readonly targets: readonly RuleTargetConfig[];
}

export type RuleTargetConfig = { readonly function: string } | { readonly queue: string };

/** @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html */
export interface ScheduleConfig {
  /** `rate(5 minutes)` or `cron(0 12 * * ? *)`, in EventBridge syntax. */
  readonly schedule: string;
  readonly function: string;
}

/** A Cognito user pool and its app client. */
export interface AuthConfig {
  /** @see https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html */
  readonly passwordPolicy?: {
    /** @default 8 */
    readonly minimumLength?: number;
    /** @default true */
    readonly requireLowercase?: boolean;
    /** @default true */
    readonly requireUppercase?: boolean;
    /** @default true */
    readonly requireNumbers?: boolean;
    /** @default true */
    readonly requireSymbols?: boolean;
  };
  /** User groups, whose names appear in the `cognito:groups` claim. */
  readonly groups?: readonly string[];
}

export interface SiteConfig {
  /** Folder of the built site, relative to the application folder. */
  readonly dir: string;
  /** Command that builds the site, run in `cwd` before serving. */
  readonly build?: string;
  /** Folder to run the build command in, relative to the application folder. */
  readonly cwd?: string;
  /**
   * Serve `index.html` for paths that match no file, as a single-page application needs.
   * @default true
   */
  readonly spa?: boolean;
}
