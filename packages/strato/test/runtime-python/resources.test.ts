/**
 * Resource calls from Python handlers: strato_client over the HTTP channel
 * of process environments, to a real router over a real table store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { BucketStore } from '../../src/local/buckets/index.ts';
import { createResourceRouter } from '../../src/local/router/index.ts';
import { createTableStore } from '../../src/local/tables/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { FunctionRuntime } from '../../src/runtime/index.ts';
import { FIXTURES_DIR, payloadOf } from './helpers.ts';

const app = resolveApp({
  name: 'fx',
  services: {
    weather: {
      functions: {
        recorder: { handler: 'resources.record', runtime: 'python3.12', links: ['readings'], timeout: 10 },
        snooper: { handler: 'resources.snoop', runtime: 'python3.12', timeout: 10 },
      },
      tables: { readings: { partitionKey: 'station', sortKey: 'at', sortKeyType: 'number' } },
    },
  },
}, FIXTURES_DIR);

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-python-resources-'));
const tables = createTableStore({ stateDir, tables: app.tables });
const buckets = new BucketStore({ stateDir, buckets: app.buckets });
const router = createResourceRouter({ app, tables, buckets });
const runtime = new FunctionRuntime({ stateDir, router });

after(async () => {
  await runtime.close();
  tables.close();
  buckets.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const functionNamed = (name: string) => app.functions.find((fn) => fn.name === name)!;

test('linked table is written and read', async () => {
  const item = payloadOf(await runtime.invoke(functionNamed('recorder'), { station: 'wx-7', at: 1_751_464_800, value: 21.5 }));

  assert.deepEqual(item, { station: 'wx-7', at: 1_751_464_800, value: 21.5, raw: [0, 1, 255] });
  assert.deepEqual(tables.get('fx-weather-readings', { station: 'wx-7', at: 1_751_464_800 }), { station: 'wx-7', at: 1_751_464_800, value: 21.5, raw: new Uint8Array([0, 1, 255]) });
});

test('unlinked table gets AccessDeniedException', async () => {
  const output = payloadOf(await runtime.invoke(functionNamed('snooper'), {})) as { name: string; message: string };

  assert.equal(output.name, 'AccessDeniedException');
  assert.match(output.message, /is not authorized to perform: dynamodb:GetItem/);
});
