/**
 * JSON responses and request-body parsing for the HTTP handlers of the
 * `photos` service.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** An error the client can fix, sent back as `{ error, message }` with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    /** Stable code a client can branch on, such as `InvalidJson`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: HttpError): APIGatewayProxyStructuredResultV2 {
  return json(error.statusCode, { error: error.code, message: error.message });
}

/**
 * Runs a route handler and turns an `HttpError` into its JSON response.
 * Any other error propagates, so the gateway responds with 500 as API Gateway does.
 */
export function route(
  handle: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error);
      throw error;
    }
  };
}

/** Parses the request body as a JSON object; API Gateway base64-encodes bodies it treats as binary. */
export function parseJsonObject(event: APIGatewayProxyEventV2): Record<string, unknown> {
  if (event.body === undefined || event.body === '') {
    throw new HttpError(400, 'MissingBody', 'The request has no body. Send a JSON object such as {"contentType":"image/jpeg"}.');
  }

  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'InvalidJson', `The request body is not valid JSON: ${(error as Error).message}.`);
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'InvalidJson', `The request body must be a JSON object, not ${Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)}.`);
  }
  return value as Record<string, unknown>;
}
