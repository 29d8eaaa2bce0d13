/**
 * The bus's HTTP endpoint, called by the real EventBridge client of the AWS
 * SDK over HTTP on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

import { createEventsMount, EVENTS_PATH_PREFIX } from '../../src/local/bus/index.ts';
import { appWithRules, entry, openBus, RecordingTargets, tempStateDir } from './helpers.ts';

const state = tempStateDir();
const targets = new RecordingTargets();
const { bus, nextOutcome } = openBus({
  stateDir: state.dir,
  app: appWithRules({ ready: { pattern: { 'detail-type': ['PhotoReady'] }, targets: [{ function: 'follow' }] } }),
  targets,
  retry: { maximumRetryAttempts: 0 },
});
const mount = createEventsMount(bus);
let server: Server;
let baseUrl: string;
let client: EventBridgeClient;

before(async () => {
  server = createServer((request, response) => void mount.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${EVENTS_PATH_PREFIX}`;
  client = new EventBridgeClient({ endpoint: baseUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

after(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  await bus.close();
  state.remove();
});

test('PutEvents through the SDK reaches the target', async () => {
  const output = await client.send(new PutEventsCommand({ Entries: [entry({ id: 'p1' }), { Source: 'x', DetailType: 'PhotoReady', Detail: '[1]' }] }));
  assert.equal((await nextOutcome()).type, 'delivered');

  assert.equal(output.FailedEntryCount, 1);
  assert.equal(output.Entries?.[1]?.ErrorCode, 'MalformedDetail');
  assert.equal(targets.invoked.length, 1);
  assert.equal(targets.invoked[0]!.event.id, output.Entries?.[0]?.EventId);
});

test('an oversized batch gets ValidationException', async () => {
  const entries = Array.from({ length: 11 }, () => entry({}));

  await assert.rejects(client.send(new PutEventsCommand({ Entries: entries })), { name: 'ValidationException' });
});

test('dead letters are listed and redriven', async () => {
  targets.failures.set('feed.follow', [new Error('target down')]);
  await client.send(new PutEventsCommand({ Entries: [entry({ id: 'p2' })] }));
  assert.equal((await nextOutcome()).type, 'dead-lettered');

  const listed = await (await fetch(`${baseUrl}/dead-letters`)).json() as { deadLetters: { errorMessage: string; event: { detail: unknown } }[] };
  assert.equal(listed.deadLetters.length, 1);
  assert.equal(listed.deadLetters[0]!.errorMessage, 'target down');
  assert.deepEqual(listed.deadLetters[0]!.event.detail, { id: 'p2' });

  const redrive = await (await fetch(`${baseUrl}/dead-letters/redrive`, { method: 'POST' })).json() as { redriven: number };
  assert.equal(redrive.redriven, 1);
  assert.equal((await nextOutcome()).type, 'delivered');
  assert.deepEqual(targets.invoked.at(-1)!.event.detail, { id: 'p2' });
});

test('unknown paths and targets get errors', async () => {
  const unknownPath = await fetch(`${baseUrl}/nothing`);
  const unknownTarget = await fetch(`${baseUrl}/`, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutRule' }, body: '{}' });
  const badJson = await fetch(`${baseUrl}/`, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutEvents' }, body: '{' });

  assert.equal(unknownPath.status, 404);
  assert.equal(unknownTarget.status, 400);
  assert.equal(((await unknownTarget.json()) as { __type: string }).__type, 'UnknownOperationException');
  assert.equal(badJson.status, 400);
  assert.equal(((await badJson.json()) as { __type: string }).__type, 'SerializationException');
});
