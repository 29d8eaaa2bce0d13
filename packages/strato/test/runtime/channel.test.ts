import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { ServiceError, type ResourceCall, type ResourceRouter } from '../../src/runtime/index.ts';
import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

/** A tiny local cloud: one bucket in memory, reachable only by functions that link it. */
class MemoryBucketRouter implements ResourceRouter {
  readonly objects = new Map<string, Uint8Array>();
  readonly callers: string[] = [];

  constructor(private readonly bucket: string, private readonly allowedCaller: string) {}

  handle(callerFunctionId: string, call: ResourceCall): Promise<unknown> {
    // Thrown before any promise exists, as a router with a bug could.
    if (call.op === 'explode') throw new TypeError('router failed synchronously');
    return this.run(callerFunctionId, call);
  }

  private async run(callerFunctionId: string, call: ResourceCall): Promise<unknown> {
    this.callers.push(callerFunctionId);
    if (call.resource !== this.bucket || callerFunctionId !== this.allowedCaller) {
      throw new ServiceError('AccessDeniedException', `${callerFunctionId} is not allowed to use ${call.kind} ${call.resource}.`, 403);
    }
    if (call.op === 'unclonable') return { callback: () => 'functions cannot be cloned' };
    const input = call.input as { key: string; body?: Uint8Array };
    if (call.op === 'put') {
      this.objects.set(input.key, input.body!);
      return { stored: input.body!.byteLength };
    }
    return { body: this.objects.get(input.key) };
  }
}

const router = new MemoryBucketRouter('fx-handlers-photos', 'handlers.resources');
const harness = startRuntime({ router });
after(() => harness.close());

test('resource calls round trip with the caller identity', async () => {
  const fn = fixtureFunction('resources', { handler: 'resources.handler' });
  const result = await harness.runtime.invoke(fn, { resource: 'fx-handlers-photos', data: [0, 1, 254, 255] });
  const payload = payloadOf(result) as { stored: unknown; isUint8Array: boolean; bytes: number[]; denied: { name: string; message: string } };

  assert.deepEqual(payload.stored, { stored: 4 });
  assert.ok(router.callers.every((caller) => caller === 'handlers.resources'));
  // Binary data keeps its type both ways.
  assert.ok(router.objects.get('a.bin') instanceof Uint8Array);
  assert.equal(payload.isUint8Array, true);
  assert.deepEqual(payload.bytes, [0, 1, 254, 255]);
});

test('router errors reach the handler by name', async () => {
  const fn = fixtureFunction('resources', { handler: 'resources.handler' });
  const payload = payloadOf(await harness.runtime.invoke(fn, { resource: 'fx-handlers-photos', data: [1] })) as { denied: { name: string; message: string } };

  assert.deepEqual(payload.denied, { name: 'AccessDeniedException', message: 'handlers.resources is not allowed to use table not-linked.' });
});

test('another function is denied by the router', async () => {
  const fn = fixtureFunction('intruder', { handler: 'resources.handler' });
  const result = await harness.runtime.invoke(fn, { resource: 'fx-handlers-photos', data: [1] });

  assert.equal(!result.ok && result.error.errorType, 'AccessDeniedException');
  assert.equal(!result.ok && result.error.errorMessage, 'handlers.intruder is not allowed to use bucket fx-handlers-photos.');
});

test('callback handler waits for a resource reply', async () => {
  router.objects.set('a.bin', new Uint8Array([7, 8, 9]));
  const fn = fixtureFunction('resources', { handler: 'callback.callsResource' });
  const result = await harness.runtime.invoke(fn, { resource: 'fx-handlers-photos' });

  assert.deepEqual(payloadOf(result), { bytes: [7, 8, 9] });
});

test('router failures reach only the calling handler', async () => {
  const fn = fixtureFunction('resources', { handler: 'resources.callOperation' });
  const thrown = await harness.runtime.invoke(fn, { resource: 'fx-handlers-photos', op: 'explode' });
  const unclonable = await harness.runtime.invoke(fn, { resource: 'fx-handlers-photos', op: 'unclonable' });

  assert.equal(!thrown.ok && thrown.error.errorType, 'TypeError');
  assert.equal(!thrown.ok && thrown.error.errorMessage, 'router failed synchronously');
  assert.equal(!unclonable.ok && unclonable.error.errorType, 'DataCloneError');
});
