/**
 * The Lambda Runtime API of one execution environment, served on
 * 127.0.0.1: the runtime process long-polls `invocation/next` for an event
 * and posts its result to `invocation/{id}/response` or `…/error`, or posts
 * `init/error` when its handler does not load. Any runtime interface client
 * works against it.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { MAX_RESPONSE_BYTES } from '../errors.ts';
import { RESOURCE_PATH, serveResourceCall, type ResourceCaller } from './resource-endpoint.ts';

const API_PREFIX = '/2018-06-01/runtime/';

/** One event for the runtime, with the values of the `invocation/next` headers. */
export interface RuntimeInvocation {
  readonly requestId: string;
  readonly eventJson: string;
  /** Milliseconds since the epoch when the invocation times out. */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  /** X-Ray trace header, `Root=…;Parent=…;Sampled=…`. */
  readonly traceId: string;
}

/** The body the runtime posted for an invocation, or the fact that it was too large. */
export type RuntimeResult =
  | { readonly type: 'response'; readonly body: string }
  | { readonly type: 'error'; readonly body: string; readonly errorType: string | undefined }
  | { readonly type: 'too-large' };

export interface RuntimeApiHandlers {
  /** Called on the first `invocation/next`: the runtime has loaded the handler. */
  readonly onReady: () => void;
  readonly onResult: (requestId: string, result: RuntimeResult) => void;
  /** Called with the body of `init/error`; the runtime exits next. */
  readonly onInitError: (body: string) => void;
  /** Runs the handler's resource calls, which arrive on `POST /strato/resource`. Without it, that path is not served. */
  readonly onResourceCall?: ResourceCaller;
}

export class RuntimeApiServer {
  private readonly handlers: RuntimeApiHandlers;
  private readonly server: Server;
  private ready = false;
  /** The invocation given to the runtime, until it posts the result. */
  private current: RuntimeInvocation | undefined;
  /** An invocation waiting for the runtime's next `invocation/next`. */
  private queued: RuntimeInvocation | undefined;
  /** A parked `invocation/next` request waiting for an invocation. */
  private waiting: ServerResponse | undefined;

  constructor(handlers: RuntimeApiHandlers) {
    this.handlers = handlers;
    this.server = createServer((request, response) => this.route(request, response));
    // A long poll waits as long as the environment stays idle, so Node's request timeouts must not end it.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0;
  }

  /** Listens on a free port and returns the address for `AWS_LAMBDA_RUNTIME_API`, such as `127.0.0.1:43567`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Gives the runtime an invocation: at once when it is polling, otherwise on its next poll. */
  deliver(invocation: RuntimeInvocation): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting && !waiting.destroyed) this.send(waiting, invocation);
    else this.queued = invocation;
  }

  async close(): Promise<void> {
    this.waiting?.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '';
    if (url === RESOURCE_PATH && request.method === 'POST' && this.handlers.onResourceCall) return void serveResourceCall(request, response, this.handlers.onResourceCall);
    if (!url.startsWith(API_PREFIX)) return reply(response, 404, { errorMessage: `Unknown Runtime API path: ${url}. Paths start with ${API_PREFIX}.`, errorType: 'NotFound' });
    const route = url.slice(API_PREFIX.length);

    if (request.method === 'GET' && route === 'invocation/next') return this.next(response);
    if (request.method === 'POST' && route === 'init/error') return void this.initError(request, response);

    const match = /^invocation\/([^/]+)\/(response|error)$/.exec(route);
    if (request.method === 'POST' && match) return void this.result(request, response, decodeURIComponent(match[1]!), match[2] as 'response' | 'error');

    reply(response, 404, { errorMessage: `Unknown Runtime API request: ${request.method} ${url}.`, errorType: 'NotFound' });
  }

  private next(response: ServerResponse): void {
    if (!this.ready) {
      this.ready = true;
      this.handlers.onReady();
    }

    const queued = this.queued;
    this.queued = undefined;
    if (queued) this.send(response, queued);
    else this.waiting = response;
  }

  private send(response: ServerResponse, invocation: RuntimeInvocation): void {
    this.current = invocation;
    response.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': invocation.requestId,
      'lambda-runtime-deadline-ms': String(invocation.deadlineMs),
      'lambda-runtime-invoked-function-arn': invocation.invokedFunctionArn,
      'lambda-runtime-trace-id': invocation.traceId,
    });
    response.end(invocation.eventJson);
  }

  private async result(request: IncomingMessage, response: ServerResponse, requestId: string, kind: 'response' | 'error'): Promise<void> {
    if (this.current?.requestId !== requestId) {
      request.resume();
      return reply(response, 400, { errorMessage: `Invalid request ID: ${requestId} is not the invocation in progress.`, errorType: 'InvalidRequestID' });
    }

    const body = await readBody(request, MAX_RESPONSE_BYTES);
    this.current = undefined;
    if (body === undefined) {
      reply(response, 413, { errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`, errorType: 'RequestEntityTooLarge' });
      this.handlers.onResult(requestId, { type: 'too-large' });
      return;
    }

    reply(response, 202, { status: 'OK' });
    const header = request.headers['lambda-runtime-function-error-type'];
    this.handlers.onResult(requestId, kind === 'response' ? { type: 'response', body } : { type: 'error', body, errorType: typeof header === 'string' ? header : undefined });
  }

  private async initError(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.ready) {
      request.resume();
      return reply(response, 403, { errorMessage: 'The runtime has already called invocation/next, so init/error is no longer allowed.', errorType: 'InvalidStateTransition' });
    }
    const body = await readBody(request, MAX_RESPONSE_BYTES) ?? '{}';
    reply(response, 202, { status: 'OK' });
    this.handlers.onInitError(body);
  }
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Reads a request body as UTF-8, or returns undefined once it passes `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
