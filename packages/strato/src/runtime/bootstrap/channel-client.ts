/**
 * The execution environment's end of the resource channel: what
 * `strato/client` finds at `globalThis[CHANNEL_KEY]`. Each call goes to the
 * main thread over the worker's port and waits for the reply with its id.
 * Structured cloning carries binary data (Uint8Array) both ways.
 */
import type { MessagePort } from 'node:worker_threads';

import { CHANNEL_KEY, type ClientChannel, type ResourceKindName, type ResourceReply } from '../channel.ts';

interface PendingCall {
  resolve(output: unknown): void;
  reject(error: Error): void;
}

export interface ChannelClient {
  /** Settles the call that this reply answers. */
  receive(reply: ResourceReply): void;
  /** Number of calls still waiting for their reply. */
  readonly pendingCount: number;
}

export function installChannel(port: MessagePort, onPendingChange: () => void): ChannelClient {
  const pending = new Map<number, PendingCall>();
  let nextId = 1;

  const channel: ClientChannel = {
    call(kind: ResourceKindName, resource: string, op: string, input: unknown): Promise<unknown> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        port.postMessage({ type: 'call', id, kind, resource, op, input });
        onPendingChange();
      });
    },
  };
  (globalThis as Record<symbol, unknown>)[CHANNEL_KEY] = channel;

  return {
    receive(reply) {
      const call = pending.get(reply.id);
      if (!call) return;
      pending.delete(reply.id);
      onPendingChange();

      if (reply.ok) {
        call.resolve(reply.output);
      } else {
        const error = new Error(reply.error.message);
        error.name = reply.error.name;
        call.reject(error);
      }
    },
    get pendingCount() {
      return pending.size;
    },
  };
}
