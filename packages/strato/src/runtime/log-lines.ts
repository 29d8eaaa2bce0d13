/**
 * The platform lines Lambda writes to a function's log around each
 * invocation, in Lambda's exact layout (tabs between the REPORT fields).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFields {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memorySizeMB: number;
  readonly maxMemoryUsedMB: number;
  /** Present only on the first invocation of an environment (a cold start). */
  readonly initDurationMs?: number;
  /** `timeout` or `error` when the invocation ended the environment. */
  readonly status?: 'timeout' | 'error';
  readonly errorType?: string;
}

/**
 * Returns the billed duration in whole milliseconds. Since August 2025
 * Lambda bills the init phase of on-demand functions too, so the billed
 * duration of a cold start is the invocation and init durations together,
 * rounded up to the millisecond.
 */
export function billedDurationMs(fields: Pick<ReportFields, 'durationMs' | 'initDurationMs'>): number {
  return Math.max(1, Math.ceil(fields.durationMs + (fields.initDurationMs ?? 0)));
}

/** Formats the REPORT line. */
export function reportLine(fields: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${fields.requestId}`,
    `Duration: ${fields.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billedDurationMs(fields)} ms`,
    `Memory Size: ${fields.memorySizeMB} MB`,
    `Max Memory Used: ${fields.maxMemoryUsedMB} MB`,
  ];
  if (fields.initDurationMs !== undefined) parts.push(`Init Duration: ${fields.initDurationMs.toFixed(2)} ms`);
  if (fields.status) parts.push(`Status: ${fields.status}`);
  if (fields.errorType) parts.push(`Error Type: ${fields.errorType}`);
  return parts.join('\t');
}

/** Formats the line Lambda writes when an invocation times out, with spaces, not tabs. */
export function timeoutLine(requestId: string, timeoutSeconds: number): string {
  return `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}
