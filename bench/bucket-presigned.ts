/**
 * Presigned transfer speed: 1 MB objects uploaded and downloaded through
 * presigned URLs over HTTP on 127.0.0.1, with 4 transfers at a time. A bare
 * `node:http` server streams the same bodies to and from plain files beside
 * it, so the ratio shows what signing, the index and the event cost.
 *
 * Run alone with `npx tsx bench/bucket-presigned.ts`.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';

import { BucketNotifier, BucketStore, createPresignedUrlHandler, Presigner } from '../packages/strato/src/local/buckets/index.ts';
import type { BucketModel } from '../packages/strato/src/model/index.ts';

const OBJECT_BYTES = 1024 * 1024;
const TRANSFERS = 200;
const CONCURRENCY = 4;
const BODY = Buffer.alloc(OBJECT_BYTES, 7);

const bucket: BucketModel = {
  kind: 'bucket',
  id: 'bench.uploads',
  service: 'bench',
  name: 'uploads',
  physicalName: 'bench-bench-uploads',
  envVar: 'STRATO_BUCKET_UPLOADS',
  notifications: [{ functionId: 'bench.on-upload', events: ['s3:ObjectCreated:*'], prefix: '', suffix: '' }],
};

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

async function listen(handler: Handler): Promise<{ server: Server; baseUrl: string }> {
  // A transfer cut off when the server closes at the end is of no interest to the measurement.
  const server = createServer((request, response) => void handler(request, response).catch(() => response.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs `transfer` for every index, `CONCURRENCY` at a time, and returns each one's duration in milliseconds. */
async function timeTransfers(transfer: (index: number) => Promise<void>): Promise<{ durations: number[]; totalMs: number }> {
  const durations: number[] = [];
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < TRANSFERS) {
      const index = next++;
      const begin = performance.now();
      await transfer(index);
      durations.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { durations, totalMs: performance.now() - started };
}

async function put(url: string): Promise<void> {
  const response = await fetch(url, { method: 'PUT', body: BODY });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`PUT ${url} returned ${response.status}`);
}

async function get(url: string): Promise<void> {
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  if (response.status !== 200 || body.byteLength !== OBJECT_BYTES) throw new Error(`GET ${url} returned ${response.status}`);
}

/** Measures a bare server whose PUT streams the body to a file and whose GET streams the file back. */
async function measureBare(dir: string) {
  const { server, baseUrl } = await listen(async (request, response) => {
    const file = path.join(dir, path.basename(request.url ?? 'x'));
    if (request.method === 'PUT') {
      await pipeline(request, createWriteStream(file));
      response.end();
    } else {
      response.writeHead(200, { 'Content-Length': OBJECT_BYTES });
      await pipeline(createReadStream(file), response);
    }
  });
  try {
    return {
      put: await timeTransfers((index) => put(`${baseUrl}/object-${index}`)),
      get: await timeTransfers((index) => get(`${baseUrl}/object-${index}`)),
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Measures the bucket store behind presigned URLs, with a notification per upload queued in memory. */
async function measurePresigned(stateDir: string) {
  const queued: unknown[] = [];
  const store = new BucketStore({ stateDir, buckets: [bucket], listener: new BucketNotifier({ buckets: [bucket], queue: { enqueue: async (_id, event) => queued.push(event) } }) });
  let baseUrl = '';
  const presigner = new Presigner({ stateDir, baseUrl: () => baseUrl });
  const handler = createPresignedUrlHandler({ store, presigner });
  const listening = await listen(async (request, response) => {
    await handler.handle(request, response);
  });
  baseUrl = listening.baseUrl;

  try {
    const key = (index: number) => `photos/${index}.jpg`;
    const putUrls = await Promise.all(Array.from({ length: TRANSFERS }, (_, i) => presigner.presign({ method: 'PUT', bucket: bucket.physicalName, key: key(i), expiresIn: 600 })));
    const getUrls = await Promise.all(Array.from({ length: TRANSFERS }, (_, i) => presigner.presign({ method: 'GET', bucket: bucket.physicalName, key: key(i), expiresIn: 600 })));
    const result = {
      put: await timeTransfers((index) => put(putUrls[index]!)),
      get: await timeTransfers((index) => get(getUrls[index]!)),
    };
    if (queued.length !== TRANSFERS) throw new Error(`expected ${TRANSFERS} notifications, got ${queued.length}`);
    return result;
  } finally {
    listening.server.closeAllConnections();
    listening.server.close();
    store.close();
  }
}

function describe(name: string, timing: { durations: number[]; totalMs: number }, baseline: { totalMs: number }): string {
  const sorted = [...timing.durations].sort((a, b) => a - b);
  const megabytesPerSecond = (TRANSFERS * OBJECT_BYTES) / (1024 * 1024) / (timing.totalMs / 1000);
  const ratio = baseline.totalMs / timing.totalMs;
  return `  ${name}: ${megabytesPerSecond.toFixed(0)} MB/s (${(ratio * 100).toFixed(0)}% of bare), p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms per object`;
}

export async function run(): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-presigned-'));
  try {
    const bare = await measureBare(mkdtempSync(path.join(dir, 'bare-')));
    const presigned = await measurePresigned(path.join(dir, 'state'));
    return [
      `presigned transfers: ${TRANSFERS} objects of ${OBJECT_BYTES / 1024} KB, ${CONCURRENCY} at a time, against a bare node:http file server`,
      describe('PUT', presigned.put, bare.put),
      describe('GET', presigned.get, bare.get),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) process.stdout.write(line + '\n');
}
