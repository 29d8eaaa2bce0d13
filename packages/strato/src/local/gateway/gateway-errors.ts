/**
 * The responses an HTTP API sends when it cannot produce a response from the
 * integration. The bodies are AWS's fixed strings.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
 */
import type { ServerResponse } from 'node:http';

export interface GatewayErrorAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

function jsonAnswer(status: number, message: string): GatewayErrorAnswer {
  return { status, contentType: 'application/json', body: JSON.stringify({ message }) };
}

export const GATEWAY_ERRORS = {
  /** No route matched and the API has no `$default` route. */
  notFound: jsonAnswer(404, 'Not Found'),
  /** The function threw, timed out, crashed or returned a malformed response. */
  internalError: jsonAnswer(500, 'Internal Server Error'),
  /** The route requires a token and the request has none, or an invalid one. */
  unauthorized: jsonAnswer(401, 'Unauthorized'),
  /** The function was throttled. */
  tooManyRequests: jsonAnswer(429, 'Too Many Requests'),
  /** The integration did not respond within the HTTP API's 30-second limit; the function may still be running. */
  serviceUnavailable: jsonAnswer(503, 'Service Unavailable'),
  /**
   * The body is over the 10 MB payload quota. The plain-text body is the one
   * reported from a live API Gateway in
   * https://github.com/koki-develop/lgtm-generator/issues/10.
   */
  bodyTooLarge: { status: 413, contentType: 'text; charset=utf-8', body: 'HTTP content length exceeded 10485760 bytes.' },
  /**
   * The event is over Lambda's 6 MB synchronous invoke limit.
   * NOTE: the body of this response from an HTTP API is not documented; REST APIs send `{"message": "Request Too Long"}`.
   */
  eventTooLarge: jsonAnswer(413, 'Request Entity Too Large'),
} satisfies Record<string, GatewayErrorAnswer>;

/** Sends a gateway error, with the `apigw-requestid` header every HTTP API response carries. */
export function sendGatewayError(response: ServerResponse, answer: GatewayErrorAnswer, requestId: string, closeConnection = false): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const headers: Record<string, string> = {
    'content-type': answer.contentType,
    'apigw-requestid': requestId,
  };
  if (closeConnection) headers.connection = 'close';
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}
