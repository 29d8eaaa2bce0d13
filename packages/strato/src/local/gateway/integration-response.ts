/**
 * Turns what a handler returned into the HTTP response, by the rules of
 * payload format 2.0.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import type { OutgoingHttpHeaders } from 'node:http';

export interface HttpResponse {
  readonly status: number;
  /** A new object for each response, which the gateway completes in place. */
  readonly headers: OutgoingHttpHeaders;
  readonly body: string | Buffer;
}

export type IntegrationResponse =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly reason: string };

/**
 * Maps a handler's return value to a response. A value without `statusCode`
 * is data: status 200, `content-type: application/json`, and the value
 * serialised (a string is sent as it is). A value with `statusCode` is the
 * full form, and anything in it of the wrong type makes the response
 * malformed, which the client sees as a 500.
 */
export function toHttpResponse(payload: unknown): IntegrationResponse {
  if (!isFullForm(payload)) {
    // NOTE: a handler that returns nothing is sent as the JSON text `null`, as Lambda serialises `undefined`; AWS does not document this case.
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload) ?? 'null';
    return { ok: true, response: { status: 200, headers: { 'content-type': 'application/json' }, body } };
  }

  const { statusCode, headers, cookies, body, isBase64Encoded } = payload;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { ok: false, reason: `statusCode ${JSON.stringify(statusCode)} is not an HTTP status code from 100 to 599` };
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    return { ok: false, reason: `body is ${typeof body}, and payload format 2.0 takes a string (serialise objects with JSON.stringify)` };
  }

  const outgoing: OutgoingHttpHeaders = {};
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Array.isArray(headers)) return { ok: false, reason: 'headers is not an object of header names to values' };
    for (const [name, value] of Object.entries(headers)) {
      if (!isHeaderValue(value)) return { ok: false, reason: `header "${name}" has a ${typeof value} value, and only strings, numbers and booleans are allowed` };
      outgoing[name.toLowerCase()] = String(value);
    }
  }
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies) || !cookies.every((cookie) => typeof cookie === 'string')) {
      return { ok: false, reason: 'cookies is not an array of strings' };
    }
    // Each element becomes its own set-cookie header line, after any set-cookie value in `headers`.
    const fromHeaders = outgoing['set-cookie'];
    if (cookies.length > 0) outgoing['set-cookie'] = fromHeaders === undefined ? cookies : [String(fromHeaders), ...cookies];
  }

  const text = body ?? '';
  return {
    ok: true,
    response: { status: statusCode, headers: outgoing, body: isBase64Encoded === true ? Buffer.from(text, 'base64') : text },
  };
}

interface FullFormResponse {
  readonly statusCode: unknown;
  readonly headers?: unknown;
  readonly cookies?: unknown;
  readonly body?: unknown;
  readonly isBase64Encoded?: unknown;
}

/** Tests for the full form by the presence of `statusCode`: an object with `body` and `headers` but no `statusCode` is data. */
function isFullForm(payload: unknown): payload is FullFormResponse {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) && 'statusCode' in payload;
}

function isHeaderValue(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
