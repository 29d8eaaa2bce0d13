/**
 * The HTTP face of the bus, under `/_strato/events`, mounted on the gateway:
 *
 * - `POST /` with `X-Amz-Target: AWSEvents.PutEvents`: EventBridge's
 *   `PutEvents` over the AWS JSON 1.1 protocol, so scripts and tests can
 *   publish with `@aws-sdk/client-eventbridge` pointed at this endpoint.
 * - `GET /dead-letters`: the dead-letter store, as JSON.
 * - `POST /dead-letters/redrive`: delivers every dead letter again.
 *
 * NOTE: requests are not authenticated; the gateway serves 127.0.0.1 only by default.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { silentLogger, type Logger } from '../../observe/logger.ts';
import type { EventBus } from './event-bus.ts';
import { MAX_REQUEST_BYTES } from './put-events.ts';

/** Path prefix of the bus's endpoint on the gateway. */
export const EVENTS_PATH_PREFIX = '/_strato/events';

const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';
const JSON_1_1 = 'application/x-amz-json-1.1';

/** Largest body read: the 256 KiB of entries plus the JSON around them. */
const MAX_BODY_BYTES = 2 * MAX_REQUEST_BYTES;

export interface EventsMount {
  readonly prefix: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/** Creates the gateway mount of the bus. */
export function createEventsMount(bus: EventBus, logger: Logger = silentLogger): EventsMount {
  return {
    prefix: EVENTS_PATH_PREFIX,
    async handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const path = url.pathname.slice(EVENTS_PATH_PREFIX.length) || '/';
      const method = request.method ?? 'GET';

      try {
        if (method === 'POST' && path === '/') return await servePutEvents(bus, request, response);
        if (method === 'GET' && path === '/dead-letters') return sendJson(response, 200, { deadLetters: bus.listDeadLetters() });
        if (method === 'POST' && path === '/dead-letters/redrive') return sendJson(response, 200, { redriven: bus.redriveDeadLetters() });
        return sendJson(response, 404, { message: `No bus resource at ${method} ${url.pathname}. Use POST ${EVENTS_PATH_PREFIX}/ with X-Amz-Target: ${PUT_EVENTS_TARGET}, or GET ${EVENTS_PATH_PREFIX}/dead-letters.` });
      } catch (error) {
        logger.error('bus request %s %s failed: %s', method, url.pathname, error instanceof Error ? error.stack : error);
        if (!response.headersSent) sendError(response, 500, 'InternalException', 'Internal server error.');
      }
    },
  };
}

async function servePutEvents(bus: EventBus, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = request.headers['x-amz-target'];
  if (target !== PUT_EVENTS_TARGET) {
    return sendError(response, 400, 'UnknownOperationException', `Unsupported X-Amz-Target ${JSON.stringify(target ?? null)}. The local bus serves ${PUT_EVENTS_TARGET}.`);
  }

  const body = await readBody(request);
  if (body === undefined) {
    // The rest of the body stays unread, so the connection cannot carry another request.
    response.setHeader('connection', 'close');
    return sendError(response, 413, 'ValidationException', `The request body is over the limit of ${MAX_BODY_BYTES} bytes.`);
  }

  let input: { Entries?: unknown };
  try {
    input = JSON.parse(body.toString('utf8') || '{}') as { Entries?: unknown };
  } catch (error) {
    return sendError(response, 400, 'SerializationException', `The request body is not valid JSON: ${(error as Error).message}`);
  }

  try {
    sendJson(response, 200, bus.putEvents(input?.Entries));
  } catch (error) {
    // A request invalid as a whole, such as more than 10 entries, gets EventBridge's error name.
    if (error instanceof Error && error.name !== 'Error') return sendError(response, 400, error.name, error.message);
    throw error;
  }
}

/** Reads the body, or returns undefined when it is over the limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': JSON_1_1, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Sends an error in the AWS JSON protocol's shape, which the SDK turns into an exception of that name. */
function sendError(response: ServerResponse, status: number, name: string, message: string): void {
  response.setHeader('x-amzn-errortype', name);
  sendJson(response, status, { __type: name, message });
}
