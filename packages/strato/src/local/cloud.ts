/**
 * The local cloud: one process that owns all local state and delivery. It
 * composes the function runtime, the stores, the resource router and the
 * HTTP gateway for one application model.
 *
 * ```ts
 * const cloud = await LocalCloud.start({ app: await loadApp('.'), port: 3000 });
 * await fetch(`${cloud.url}/photos`);
 * await cloud.stop();
 * ```
 */
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

import { findFunction, type AppModel } from '../model/index.ts';
import { createLogger, type Logger, type LogLevel, type LogSink } from '../observe/logger.ts';
import { FunctionRuntime, RUNTIME_DEFAULTS, type ResourceCall, type ResourceRouter } from '../runtime/index.ts';
import { AsyncInvoker, createFunctionInvokeHandler, createLocalDestinationSink } from './async/index.ts';
import type { LocalAuth } from './auth/index.ts';
import { BucketNotifier, BucketStore, createPresignedUrlHandler, Presigner } from './buckets/index.ts';
import { createDatabaseHandler, DatabaseEngine } from './databases/index.ts';
import { createBusHandler, createEventsMount, EventBus } from './bus/index.ts';
import { Gateway } from './gateway/index.ts';
import { EventSourceMappings } from './mappings/index.ts';
import { createQueueHandler, QueueEngine } from './queues/index.ts';
import { createResourceRouter } from './router/index.ts';
import { Scheduler } from './schedules/index.ts';
import { SiteServer, type SiteRuntimeConfig } from './sites/index.ts';
import { lockStateDir } from './state-lock.ts';
import { createStreamHandler, StreamEngine } from './streams/index.ts';
import { TableStreams } from './table-streams/index.ts';
import { createTableStore, type TableStore } from './tables/index.ts';

export interface LocalCloudOptions {
  readonly app: AppModel;
  /** Port of the gateway. @default 0, any free port */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Folder of all local state: SQLite files, objects, bundles. @default `<app.root>/.strato` */
  readonly stateDir?: string;
  /** @default 'info' */
  readonly logLevel?: LogLevel;
  /** Receiver of log lines. @default standard error */
  readonly logSink?: LogSink;
}

/** The parts of a running local cloud, for tests and benchmarks that reach past the gateway. */
export interface LocalCloudParts {
  readonly runtime: FunctionRuntime;
  readonly gateway: Gateway;
  readonly buckets: BucketStore;
  readonly notifier: BucketNotifier;
  readonly tables: TableStore;
  /** SQL databases; each opens and migrates in the background, and its statements wait for that. */
  readonly databases: DatabaseEngine;
  readonly asyncInvoker: AsyncInvoker;
  readonly presigner: Presigner;
  /** The user pool and JWT authorizer, present when the application declares `auth`. */
  readonly auth: LocalAuth | undefined;
  readonly bus: EventBus;
  readonly scheduler: Scheduler;
  readonly tableStreams: TableStreams;
  readonly queues: QueueEngine;
  readonly streams: StreamEngine;
  /** Pollers of queues and streams; `mappings.stats()` shows their progress and iterator age. */
  readonly mappings: EventSourceMappings;
  /** Servers of the application's sites, which get the requests that match no route. */
  readonly sites: SiteServers;
}

export class LocalCloud {
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly model: CurrentModel,
    readonly stateDir: string,
    readonly parts: LocalCloudParts,
    private readonly routerSlot: RouterSlot,
    readonly logger: Logger,
    private readonly unlock: () => void,
  ) {}

  /** Starts every part for the application and resolves once the gateway listens. */
  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    const { app } = options;
    const stateDir = path.resolve(options.stateDir ?? path.join(app.root, '.strato'));
    mkdirSync(stateDir, { recursive: true });
    const unlock = lockStateDir(stateDir);
    const logger = createLogger({ level: options.logLevel, sink: options.logSink });
    const model: CurrentModel = { app };

    // The runtime calls the router, whose stores notify functions through the runtime: the slot breaks the cycle.
    const routerSlot = new RouterSlot();
    const runtime = new FunctionRuntime({
      stateDir,
      router: routerSlot,
      onLog: (functionId, line) => logger.info('[%s] %s', functionId, line),
    });
    const opened: OpenedParts = { runtime };

    try {
      const context = { stateDir, runtime, model, logger };
      openEventParts(context, opened);
      openStores(context, opened);
      routerSlot.router = createRouter(model, opened as LocalCloudParts, logger);

      // The user pool is served on the gateway's port under /_strato/cognito, and its authorizer guards routes with `auth`.
      // Imported only when used: the token libraries take a noticeable part of the start time.
      opened.auth = app.auth ? await (await import('./auth/index.ts')).openLocalAuth({ auth: app.auth, stateDir: path.join(stateDir, 'auth'), logger }) : undefined;
      opened.sites = new SiteServers(app, () => siteConfig(opened.auth));

      opened.gateway = await startGateway(options, opened as LocalCloudParts, logger);
      opened.auth?.attach(opened.gateway.url);
      opened.mappings!.start();
    } catch (error) {
      await closeParts(opened);
      unlock();
      throw error;
    }

    const cloud = new LocalCloud(model, stateDir, opened as LocalCloudParts, routerSlot, logger, unlock);
    logger.info('Local cloud of "%s" is ready: API %s, state in %s', app.name, cloud.url, stateDir);
    const { auth } = cloud.parts;
    if (auth) logger.info('User pool %s, app client %s, SDK endpoint %s', auth.pool.poolId, auth.pool.clientId, auth.pool.endpoint);
    return cloud;
  }

  /** Base URL of the HTTP API, such as `http://127.0.0.1:3000`. */
  get url(): string {
    return this.parts.gateway.url;
  }

  get app(): AppModel {
    return this.model.app;
  }

  /** Rebundles functions after their code changed: the named ones, or every function. */
  async reload(functionIds?: readonly string[]): Promise<void> {
    const ids = functionIds ?? this.model.app.functions.map((fn) => fn.id);
    await Promise.all(ids.map((id) => this.parts.runtime.reload(id)));
  }

  /**
   * Returns the ids of the functions that a change to these files affects:
   * those whose bundle includes one of them, and those whose last bundle
   * failed. A function that has not run yet is bundled fresh on its first
   * request, so it is not listed.
   */
  async functionsAffectedBy(files: readonly string[]): Promise<string[]> {
    const changed = new Set(files);
    const affected = await Promise.all(this.model.app.functions.map(async (fn) => (await this.parts.runtime.isAffectedBy(fn.id, changed) ? fn.id : undefined)));
    return affected.filter((id) => id !== undefined);
  }

  /**
   * Switches to a new model of the same application, as after `strato.config.ts`
   * changed: routes, stores and grants apply from the next request on, and
   * functions whose settings changed get new environments.
   */
  setApp(app: AppModel): void {
    const { gateway, buckets, notifier, tables } = this.parts;
    this.model.app = app;
    buckets.setBuckets(app.buckets);
    notifier.setBuckets(app.buckets);
    tables.setTables(app.tables);
    this.parts.databases.update(app.databases);
    this.parts.bus.update(app);
    this.parts.scheduler.update(app.schedules);
    // Consumers whose settings changed stop after their batch in flight, then start again from their checkpoints.
    this.parts.tableStreams.update(app).catch((error: unknown) => this.logger.error('table streams could not take the new config: %s', error instanceof Error ? error.stack : error));
    // NOTE: queues, streams and their mappings keep the models they started with until a restart.
    this.routerSlot.router = createRouter(this.model, this.parts, this.logger);
    gateway.setApp(app);
    this.parts.sites.setApp(app);
    // NOTE: declaring `auth` where there was none, or removing it, takes a restart; only its policy and groups change here.
    if (app.auth) this.parts.auth?.pool.setModel(app.auth);
  }

  /** Stops the gateway, waits for deliveries in flight, ends every environment and closes the databases. */
  stop(): Promise<void> {
    this.stopped ??= closeParts(this.parts).then(() => {
      this.unlock();
      this.logger.verbose('Local cloud of "%s" stopped.', this.model.app.name);
    });
    return this.stopped;
  }
}

/** The model the cloud runs, replaced by `setApp`; parts that outlive a reload read it through this object. */
interface CurrentModel {
  app: AppModel;
}

/** The parts opened so far while the cloud starts, so that a failed start closes exactly those. */
type OpenedParts = { -readonly [K in keyof LocalCloudParts]?: LocalCloudParts[K] };

interface StartContext {
  readonly stateDir: string;
  readonly runtime: FunctionRuntime;
  readonly model: CurrentModel;
  readonly logger: Logger;
}

/** Opens queues, streams, durable asynchronous invocation, table streams, the bus, schedules and event source mappings. */
function openEventParts({ stateDir, runtime, model, logger }: StartContext, opened: OpenedParts): void {
  const { app } = model;
  const account = { region: RUNTIME_DEFAULTS.region, accountId: RUNTIME_DEFAULTS.accountId };
  const getFunction = (id: string) => findFunction(model.app, id);
  const queueOf = (id: string) => model.app.queues.find((queue) => queue.id === id);

  // Queues and streams keep messages and records in SQLite; event source mappings, started last, poll them.
  const queues = opened.queues = new QueueEngine({ stateDir, queues: app.queues, ...account, logger });
  opened.streams = new StreamEngine({ stateDir, streams: app.streams, ...account, logger });

  // Invocation records of functions with destinations go to another function, a queue, or to the bus through a closure,
  // because the bus is created below.
  const destinations = createLocalDestinationSink({
    getQueue: queueOf,
    queues,
    bus: { putEvents: (entries) => bus.putEvents(entries) },
  });
  const asyncInvoker = opened.asyncInvoker = new AsyncInvoker({ stateDir, invoker: runtime, getFunction, destinations, logger });

  // Table changes become stream records in the table write's transaction; consumers run as event source mappings.
  opened.tableStreams = new TableStreams({
    app,
    invoker: runtime,
    // A batch that failed for good is reported to the consumer's on-failure queue.
    sendToQueue: async (queueId, body) => {
      const queue = queueOf(queueId);
      if (!queue) throw new Error(`the on-failure queue ${queueId} does not exist in this local cloud.`);
      return queues.sendMessage(queue.physicalName, { body });
    },
    logger,
    ...account,
  });
  // EventBridge invokes function targets asynchronously, so bus events go through the durable async invoker.
  const bus = opened.bus = new EventBus({
    stateDir,
    app,
    targets: {
      invokeFunction: (functionId, event) => asyncInvoker.enqueue(functionId, event),
      sendToQueue: async (queueId, body) => {
        const queue = queueOf(queueId);
        if (!queue) throw new Error(`the target queue ${queueId} does not exist in this local cloud.`);
        return queues.sendMessage(queue.physicalName, { body }, { senderId: 'AROASTRATOLOCALEVENTS:event-bus' });
      },
    },
    ...account,
    logger,
  });
  opened.mappings = new EventSourceMappings({ app, invoker: runtime, stateDir, queues, streams: opened.streams, account: RUNTIME_DEFAULTS, logger });
  // Schedules invoke functions asynchronously; an invalid expression fails the start with its place.
  opened.scheduler = new Scheduler({ schedules: app.schedules, target: asyncInvoker, ...account, logger });
}

/** Opens the bucket and table stores and the presigner of bucket URLs. */
function openStores({ stateDir, model, logger }: StartContext, opened: OpenedParts): void {
  const { app } = model;

  // Bucket changes become S3 events, queued durably as asynchronous invocations.
  const notifier = opened.notifier = new BucketNotifier({ buckets: app.buckets, queue: opened.asyncInvoker!, region: RUNTIME_DEFAULTS.region });
  opened.buckets = new BucketStore({ stateDir, buckets: app.buckets, listener: notifier });
  opened.tables = createTableStore({ stateDir, tables: app.tables, changeListener: opened.tableStreams!.changeListener, logger });
  // PGlite takes a second or more to open a database, so the cloud does not wait for it to be ready.
  opened.databases = new DatabaseEngine({ stateDir, databases: app.databases, logger });
  opened.presigner = new Presigner({ stateDir, baseUrl: () => opened.gateway?.url ?? 'http://127.0.0.1', region: RUNTIME_DEFAULTS.region });
}

/** Builds the resource router for the current model: the stores, plus the event parts as further resource kinds. */
function createRouter(model: CurrentModel, parts: LocalCloudParts, logger: Logger): ResourceRouter {
  const { buckets, tables, presigner, bus, asyncInvoker, queues, streams, databases } = parts;
  return createResourceRouter({ app: model.app, buckets, tables, presigner, logger, handlers: {
    bus: createBusHandler(bus),
    function: functionInvokeHandler(asyncInvoker, () => model.app),
    queue: createQueueHandler(queues),
    stream: createStreamHandler(streams),
    database: createDatabaseHandler(databases),
  } });
}

/** Starts the gateway with the local cloud's own endpoints mounted beside the routes. */
function startGateway(options: LocalCloudOptions, parts: LocalCloudParts, logger: Logger): Promise<Gateway> {
  const { runtime, buckets, presigner, bus, auth, sites } = parts;
  return Gateway.start({
    app: options.app,
    invoker: runtime,
    port: options.port ?? 0,
    host: options.host,
    accountId: RUNTIME_DEFAULTS.accountId,
    logger,
    mounts: [createPresignedUrlHandler({ store: buckets, presigner, logger }), createEventsMount(bus, logger), ...(auth ? [auth.mount] : [])],
    authorizer: auth?.authorizer,
    fallback: (request, response) => sites.handle(request, response),
  });
}

/**
 * Closes the parts that are open, in an order that lets work in flight
 * finish: the gateway first, so no new requests arrive, then the producers
 * of events, the runtime, and the stores last.
 */
async function closeParts(parts: OpenedParts): Promise<void> {
  await parts.gateway?.close();
  parts.scheduler?.close();
  await parts.bus?.close();
  await parts.mappings?.stop();
  await parts.tableStreams?.close();
  await parts.asyncInvoker?.close();
  await parts.runtime?.close();
  // Closed last, because the bus and asynchronous destinations send to queues until they stop.
  parts.queues?.close();
  parts.streams?.close();
  parts.buckets?.close();
  parts.tables?.close();
  await parts.databases?.close();
  parts.auth?.close();
}

/** Returns the settings a site's page loads from `/strato-config.json`: the API on the same origin, and the user pool. */
function siteConfig(auth: LocalAuth | undefined): SiteRuntimeConfig {
  return {
    apiUrl: '',
    region: RUNTIME_DEFAULTS.region,
    ...(auth && { userPoolId: auth.pool.poolId, userPoolClientId: auth.pool.clientId, cognitoEndpoint: auth.pool.endpoint }),
  };
}

/** The sites of the application, tried in declaration order for requests that match no route. */
class SiteServers {
  private servers: SiteServer[] = [];

  constructor(app: AppModel, private readonly config: () => SiteRuntimeConfig) {
    this.setApp(app);
  }

  setApp(app: AppModel): void {
    this.servers = app.sites.map((site) => new SiteServer(site, this.config));
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    for (const server of this.servers) {
      if (await server.handle(request, response)) return true;
    }
    return false;
  }
}

/** A router whose target is set after construction, and replaced when the model changes. */
class RouterSlot implements ResourceRouter {
  router: ResourceRouter | undefined;

  handle(callerFunctionId: string, call: ResourceCall): Promise<unknown> {
    if (!this.router) return Promise.reject(new Error('The local cloud is still starting; retry the call.'));
    return this.router.handle(callerFunctionId, call);
  }
}

/** Serves `invokeAsync` from one function to a linked one, through the durable asynchronous invoker. */
function functionInvokeHandler(asyncInvoker: AsyncInvoker, currentApp: () => AppModel) {
  return createFunctionInvokeHandler({ queue: asyncInvoker, getFunctionByName: (name) => currentApp().functions.find((fn) => fn.physicalName === name) });
}
