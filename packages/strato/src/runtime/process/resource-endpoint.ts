/**
 * The HTTP channel of process environments. A handler's resource call
 * arrives as `POST /strato/resource` on the environment's own Runtime API
 * port. It runs on the resource router as a call of that environment's
 * function, as calls over a worker environment's message port do.
 * NOTE: any local process that finds the port can call as that function;
 * the port is bound to 127.0.0.1 only.
 *
 * Request body: `{"kind": "table", "resource": "<physical name>", "op": "put", "input": {...}}`.
 * Response: 200 with the operation's output, or 400 with `{"name", "message"}`,
 * the AWS error name and message. Bytes travel as `{"$bytes": "<base64>"}`
 * both ways, because JSON has no binary type.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ResourceCall, ResourceKindName } from '../channel.ts';

export const RESOURCE_PATH = '/strato/resource';

/** Largest request body the endpoint reads, as large as a synchronous Lambda payload (6 MB). */
const MAX_CALL_BYTES = 6_291_456;

const KINDS: ReadonlySet<string> = new Set<ResourceKindName>(['bucket', 'table', 'database', 'queue', 'stream', 'bus', 'function']);

/** Runs one resource call for the environment's function and returns its output. */
export type ResourceCaller = (call: ResourceCall) => Promise<unknown>;

export async function serveResourceCall(request: IncomingMessage, response: ServerResponse, callResource: ResourceCaller): Promise<void> {
  let call: ResourceCall;
  try {
    call = parseCall(await readText(request));
  } catch (error) {
    return reply(response, 400, { name: 'ValidationException', message: (error as Error).message });
  }

  try {
    const output = await callResource(call);
    reply(response, 200, output ?? {});
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    reply(response, 400, { name, message });
  }
}

function parseCall(text: string): ResourceCall {
  const body = JSON.parse(text, reviveBytes) as Partial<ResourceCall> | null;
  if (!body || typeof body !== 'object') throw new Error('The resource call must be a JSON object with kind, resource, op and input.');
  const { kind, resource, op, input } = body;
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new Error(`Invalid kind ${JSON.stringify(kind)}. Use one of ${[...KINDS].join(', ')}.`);
  if (typeof resource !== 'string' || resource === '') throw new Error(`Invalid resource ${JSON.stringify(resource)}. Use the physical name the STRATO_* variable of the link carries.`);
  if (typeof op !== 'string' || op === '') throw new Error(`Invalid op ${JSON.stringify(op)}. Name the operation, such as "put".`);
  return { id: 0, kind: kind as ResourceKindName, resource, op, input };
}

function reviveBytes(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as { $bytes?: unknown }).$bytes === 'string' && Object.keys(value).length === 1) {
    return new Uint8Array(Buffer.from((value as { $bytes: string }).$bytes, 'base64'));
  }
  return value;
}

function replaceBytes(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON.stringify has already called Buffer's toJSON on `value`, so the holder's property is the one to test.
  const original = this[key];
  if (original instanceof Uint8Array) return { $bytes: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64') };
  return value;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body, replaceBytes));
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_CALL_BYTES) throw new Error(`The resource call is over ${MAX_CALL_BYTES} bytes. Send less data per call.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
