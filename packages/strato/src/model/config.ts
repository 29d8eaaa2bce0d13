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
  /** Names of the resources of the same service that this function may use. */
  readonly links?: readonly string[];
  /** Maximum number of concurrent execution environments. Without it, the account limit applies. */
  readonly reservedConcurrency?: number;
}

export interface RouteConfig {
  /** Name of the function of this service that serves the route. */
  readonly function: string;
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
  /** Seconds a browser may cache a preflight answer. */
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
}
