/**
 * The resolved application model: validated, with defaults applied and every
 * reference turned into an object. Both the local cloud and the AWS synthesis
 * read only this.
 */
import type { BucketEventName, CorsConfig, KeyType, Runtime } from './config.ts';

export type ResourceKind = 'bucket' | 'table';

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

export interface TableModel extends ResourceModel {
  readonly kind: 'table';
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly sortKeyType: KeyType;
}

export type AnyResourceModel = BucketModel | TableModel;

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
}

export interface RouteModel {
  /** `METHOD /path`, as API Gateway writes a route key. `ANY` matches every method. */
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly service: string;
  readonly functionId: string;
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
  readonly api: ApiModel;
}

/** Returns the function with this id, or with this name when only one function has it. */
export function findFunction(app: AppModel, idOrName: string): FunctionModel | undefined {
  const byId = app.functions.find((fn) => fn.id === idOrName || fn.physicalName === idOrName);
  if (byId) return byId;

  const byName = app.functions.filter((fn) => fn.name === idOrName);
  return byName.length === 1 ? byName[0] : undefined;
}
