/**
 * Messages between an execution environment and the local cloud. A handler's
 * resource client sends a `ResourceCall`; the local cloud checks that the
 * calling function links the resource, runs the call and sends back a
 * `ResourceReply`. Workers use a MessagePort; processes use HTTP on 127.0.0.1.
 */

export type ResourceKindName = 'bucket' | 'table' | 'database' | 'queue' | 'stream' | 'bus' | 'function';

export interface ResourceCall {
  readonly id: number;
  readonly kind: ResourceKindName;
  /** Physical name of the resource, as the linked environment variable carries it. */
  readonly resource: string;
  /** Operation name, such as `put` or `query`. */
  readonly op: string;
  readonly input: unknown;
}

export type ResourceReply =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string } };

/** Runs resource calls for a calling function. The local cloud implements it. */
export interface ResourceRouter {
  handle(callerFunctionId: string, call: ResourceCall): Promise<unknown>;
}

/** Key under which an execution environment exposes its channel to `strato/client`. */
export const CHANNEL_KEY = Symbol.for('strato.channel');

/** Channel that `strato/client` finds at `globalThis[CHANNEL_KEY]` inside an execution environment. */
export interface ClientChannel {
  call(kind: ResourceKindName, resource: string, op: string, input: unknown): Promise<unknown>;
}
