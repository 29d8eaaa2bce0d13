/**
 * Gateway throughput and latency: requests per second and p50/p99 latency
 * at 10 and 50 connections through the gateway to a warm Node function that
 * returns a small JSON object. A bare `node:http` server that returns the
 * same JSON is measured in the same run, for ratios. The load generator
 * (autocannon) runs in its own process so it does not share the event loop
 * with the server under test. A third server, the gateway with an
 * in-process handler instead of the runtime, separates the gateway's own cost
 * from the runtime's. Added latency is measured apart, without queueing, by
 * a probe process that sends requests one at a time and times each in
 * microseconds, since autocannon reports whole milliseconds.
 *
 * Run alone with `npx tsx bench/gateway.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { Gateway, LocalCloud } from '../packages/strato/src/local/index.ts';
import { resolveApp, type AppModel } from '../packages/strato/src/model/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/index.ts';
import { handler } from './gateway-handler.ts';

const DURATION_SECONDS = 5;
const WARMUP_SECONDS = 1;
const CONNECTION_COUNTS = [10, 50] as const;
const PROBE_WARMUP_REQUESTS = 500;
const PROBE_REQUESTS = 3000;
const PROBE_FLAG = '--probe';
/** The JSON the handler in gateway-handler.ts returns, serialised as the gateway sends it. */
const BODY = JSON.stringify({ id: 'p-1042', title: 'Harbour at dawn', likes: 17, ready: true });

/** Targets from the design: at least 70% of the bare server's requests/s, +0.3 ms p50 and +3 ms p99, under 300 MB. */
const TARGETS = { throughputRatio: 0.7, addedP50Ms: 0.3, addedP99Ms: 3, rssMB: 300 };

interface LoadResult {
  readonly requestsPerSecond: number;
  /**
   * CPU time of this process (its worker threads included) per completed
   * request, in microseconds. It depends less than requests/s on what else
   * the machine runs, since the load generator needs CPU too.
   */
  readonly cpuMicrosPerRequest: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** Runs autocannon in a child process against `url` and returns its summary. */
async function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const cpuBefore = process.cpuUsage();
  const { stdout } = await promisify(execFile)(process.execPath, [autocannonBin, '--json', '-c', String(connections), '-d', String(seconds), url], { maxBuffer: 64 * 1024 * 1024 });
  const cpu = process.cpuUsage(cpuBefore);
  const summary = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
  return {
    requestsPerSecond: summary.requests.average,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, summary.requests.total),
    p50Ms: summary.latency.p50,
    p99Ms: summary.latency.p99,
    errors: summary.errors,
    non2xx: summary.non2xx,
  };
}

function startBareServer(): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    response.end(BODY);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function benchApp(): AppModel {
  return resolveApp({
    name: 'bench',
    services: { bench: { functions: { photo: { handler: 'gateway-handler.handler' } }, routes: { 'GET /photo': 'photo' } } },
  }, import.meta.dirname);
}

/** Calls the handler in this thread, so a run measures the gateway without the runtime. */
class InProcessInvoker implements Invoker {
  async invoke(): Promise<InvokeResult> {
    return { ok: true, requestId: 'in-process', payload: await handler() };
  }
}

interface ProbeResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Sends requests one at a time over one kept-alive connection and returns the latency percentiles. */
async function probeLatency(url: string): Promise<ProbeResult> {
  const { Agent, get } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () => new Promise<number>((resolve, reject) => {
    const startedAt = process.hrtime.bigint();
    get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(Number(process.hrtime.bigint() - startedAt) / 1e6));
    }).on('error', reject);
  });

  for (let index = 0; index < PROBE_WARMUP_REQUESTS; index++) await once();
  const samples: number[] = [];
  for (let index = 0; index < PROBE_REQUESTS; index++) samples.push(await once());
  agent.destroy();

  samples.sort((a, b) => a - b);
  const percentile = (p: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * p))]!;
  return { p50Ms: percentile(0.5), p99Ms: percentile(0.99) };
}

/** Runs the latency probe in a child process. */
async function probeInChild(url: string): Promise<ProbeResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', import.meta.filename, PROBE_FLAG, url]);
  return JSON.parse(stdout) as ProbeResult;
}

/** Samples this process's resident set size while `work` runs; worker threads count, as they share the process. */
async function withPeakRss<T>(work: Promise<T>): Promise<{ result: T; peakRssMB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 100);
  try {
    const result = await work;
    return { result, peakRssMB: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

const format = (value: number, digits = 2) => value.toFixed(digits);

export async function run(): Promise<string[]> {
  // The state folder lies inside bench/, so packages left out of bundles resolve from the repository's node_modules.
  mkdirSync(path.join(import.meta.dirname, '.strato'), { recursive: true });
  const stateDir = mkdtempSync(path.join(import.meta.dirname, '.strato', 'gateway-'));
  const bare = await startBareServer();
  const cloud = await LocalCloud.start({ app: benchApp(), port: 0, stateDir, logLevel: 'quiet' });
  const gatewayOnly = await Gateway.start({ app: benchApp(), invoker: new InProcessInvoker(), port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/photo`;
  const gatewayUrl = `${cloud.url}/photo`;
  const gatewayOnlyUrl = `${gatewayOnly.url}/photo`;

  const lines = [`gateway: GET /photo returning ${BODY.length} bytes of JSON, ${DURATION_SECONDS} s per run after ${WARMUP_SECONDS} s of warm-up, autocannon in a child process`];
  try {
    for (const url of [gatewayUrl, gatewayOnlyUrl]) {
      const response = await fetch(url);
      if (await response.text() !== BODY) throw new Error(`${url} returned an unexpected body with status ${response.status}`);
    }

    const [bareProbe, gatewayProbe] = [await probeInChild(bareUrl), await probeInChild(gatewayUrl)];
    lines.push(
      `  one request at a time, ${PROBE_REQUESTS} requests: bare p50 ${format(bareProbe.p50Ms, 3)} ms / p99 ${format(bareProbe.p99Ms, 3)} ms,`
        + ` gateway and runtime p50 ${format(gatewayProbe.p50Ms, 3)} ms / p99 ${format(gatewayProbe.p99Ms, 3)} ms`,
      `    added latency p50 +${format(gatewayProbe.p50Ms - bareProbe.p50Ms, 3)} ms / p99 +${format(gatewayProbe.p99Ms - bareProbe.p99Ms, 3)} ms`
        + ` (target +${TARGETS.addedP50Ms} / +${TARGETS.addedP99Ms} ms)`,
    );

    for (const connections of CONNECTION_COUNTS) {
      await load(bareUrl, connections, WARMUP_SECONDS);
      const bareResult = await load(bareUrl, connections, DURATION_SECONDS);
      await load(gatewayOnlyUrl, connections, WARMUP_SECONDS);
      const gatewayOnlyResult = await load(gatewayOnlyUrl, connections, DURATION_SECONDS);
      await load(gatewayUrl, connections, WARMUP_SECONDS);
      const { result: gatewayResult, peakRssMB } = await withPeakRss(load(gatewayUrl, connections, DURATION_SECONDS));

      const environments = cloud.parts.runtime.environmentCount(cloud.app.functions[0]!.id);
      lines.push(...describe(connections, bareResult, gatewayOnlyResult, gatewayResult, peakRssMB, environments));
    }
  } finally {
    await gatewayOnly.close();
    await cloud.stop();
    await new Promise((resolve) => bare.close(resolve));
    rmSync(stateDir, { recursive: true, force: true });
  }
  return lines;
}

function describe(connections: number, bare: LoadResult, gatewayOnly: LoadResult, gateway: LoadResult, peakRssMB: number, environments: number): string[] {
  const ratio = gateway.requestsPerSecond / bare.requestsPerSecond;
  const addedP50 = gateway.p50Ms - bare.p50Ms;
  const addedP99 = gateway.p99Ms - bare.p99Ms;
  const failures = gateway.errors + gateway.non2xx;

  return [
    `  ${connections} connections:`,
    `    bare node:http               ${format(bare.requestsPerSecond, 0)} req/s, p50 ${bare.p50Ms} ms, p99 ${bare.p99Ms} ms, CPU ${format(bare.cpuMicrosPerRequest, 1)} µs per request`,
    `    gateway, handler in process  ${format(gatewayOnly.requestsPerSecond, 0)} req/s, p50 ${gatewayOnly.p50Ms} ms, p99 ${gatewayOnly.p99Ms} ms, CPU ${format(gatewayOnly.cpuMicrosPerRequest, 1)} µs per request`
      + ` (${format(gatewayOnly.requestsPerSecond / bare.requestsPerSecond * 100, 1)}% of bare)`,
    `    gateway and runtime          ${format(gateway.requestsPerSecond, 0)} req/s, p50 ${gateway.p50Ms} ms, p99 ${gateway.p99Ms} ms, CPU ${format(gateway.cpuMicrosPerRequest, 1)} µs per request`
      + `${failures > 0 ? `, ${failures} failed requests` : ''}`,
    `    ratio ${format(ratio * 100, 1)}% of bare (target at least ${TARGETS.throughputRatio * 100}%: ${ratio >= TARGETS.throughputRatio ? 'met' : 'missed'}),`
      + ` added latency p50 +${format(addedP50)} ms / p99 +${format(addedP99)} ms (target +${TARGETS.addedP50Ms} / +${TARGETS.addedP99Ms} ms)`,
    `    peak RSS of the local cloud process ${format(peakRssMB, 0)} MB (target under ${TARGETS.rssMB} MB), ${environments} execution environments of the function after the run`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const probeIndex = process.argv.indexOf(PROBE_FLAG);
  if (probeIndex === -1) {
    for (const line of await run()) process.stdout.write(line + '\n');
  } else {
    process.stdout.write(JSON.stringify(await probeLatency(process.argv[probeIndex + 1]!)));
  }
}
