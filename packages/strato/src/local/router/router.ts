/**
 * The resource router: the one place where calls from handlers reach the
 * stores. It checks that the calling function links the resource, as IAM
 * checks a Lambda function's role, and then runs the operation.
 */
import type { AppModel, FunctionModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import type { ResourceCall, ResourceKindName, ResourceRouter } from '../../runtime/channel.ts';
import type { TableStore } from '../tables/index.ts';
import { createBucketHandler, type BucketBackend, type Presigner } from './bucket-handler.ts';
import { callerOf, DEFAULT_LOCAL_ACCOUNT, type Caller, type LocalAccount } from './identity.ts';
import { AwsError, type KindHandler } from './kind-handler.ts';
import { createTableHandler } from './table-handler.ts';

export interface ResourceRouterOptions {
  readonly app: AppModel;
  readonly buckets: BucketBackend;
  readonly tables: TableStore;
  /** Signs presigned bucket URLs; without it, presignPut and presignGet fail with NotImplemented. */
  readonly presigner?: Presigner;
  /** Handlers of further resource kinds, such as queues, streams and the bus. */
  readonly handlers?: Partial<Record<ResourceKindName, KindHandler>>;
  /** Account and region that ARNs in error messages name. */
  readonly account?: LocalAccount;
  /** Receives a warning with the fix for every denied call, since the error the handler gets has AWS's wording only. */
  readonly logger?: Logger;
}

/** A calling function and the resources it may use, by `kind:physicalName`. */
interface Grants {
  readonly caller: Caller;
  readonly linked: ReadonlySet<string>;
}

export function createResourceRouter(options: ResourceRouterOptions): ResourceRouter {
  const account = options.account ?? DEFAULT_LOCAL_ACCOUNT;
  const handlers: Partial<Record<ResourceKindName, KindHandler>> = {
    bucket: createBucketHandler(options.buckets, options.presigner),
    table: createTableHandler(options.tables),
    ...options.handlers,
  };
  const grants = grantsByFunction(options.app.functions, account);
  const logger = options.logger ?? silentLogger;

  return {
    async handle(callerFunctionId: string, call: ResourceCall): Promise<unknown> {
      const grant = grants.get(callerFunctionId);
      if (!grant) {
        throw new AwsError('AccessDeniedException', `Function "${callerFunctionId}" is not part of application "${options.app.name}", so it may use no resources. Reload the local cloud after changing strato.config.ts.`);
      }

      const handler = Object.hasOwn(handlers, call.kind) ? handlers[call.kind] : undefined;
      if (!handler) {
        throw new AwsError('InvalidParameterValueException', `The local cloud serves no resources of kind "${String(call.kind)}". Use one of ${Object.keys(handlers).join(', ')}.`);
      }
      const operation = Object.hasOwn(handler.operations, call.op) ? handler.operations[call.op] : undefined;
      if (!operation) throw handler.unknownOperation(call.op);

      const request = { caller: grant.caller, resource: call.resource, input: call.input };
      if (!grant.linked.has(linkKey(call.kind, call.resource))) {
        const fn = grant.caller.fn;
        logger.warn(
          'Function "%s" called %s on %s "%s", which it does not link, and got AccessDenied. If it should, add the %s to `links` of services.%s.functions.%s in strato.config.ts.',
          fn.id, operation.action, call.kind, call.resource, call.kind, fn.service, fn.name,
        );
        throw handler.accessDenied(grant.caller, operation.action, operation.resourceArn(request, account));
      }

      return await operation.run(request);
    },
  };
}

/** Indexes, once, which resources each function links. */
function grantsByFunction(functions: readonly FunctionModel[], account: LocalAccount): Map<string, Grants> {
  const grants = new Map<string, Grants>();
  for (const fn of functions) {
    const linked = new Set(fn.links.map((link) => linkKey(link.kind, link.physicalName)));
    grants.set(fn.id, { caller: callerOf(fn, account), linked });
  }
  return grants;
}

function linkKey(kind: string, physicalName: string): string {
  return `${kind}:${physicalName}`;
}
