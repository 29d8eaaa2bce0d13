import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly body: Buffer | undefined }
  | { readonly ok: false; readonly reason: 'too-large' | 'aborted' };

/**
 * Reads a request body of at most `maxBytes`. A declared `content-length`
 * over the limit is rejected before any byte is read. A streamed body is cut
 * off as soon as it passes the limit.
 */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.resolve({ ok: false, reason: 'too-large' });
  if (declared === '0' || (declared === undefined && request.headers['transfer-encoding'] === undefined)) {
    return Promise.resolve({ ok: true, body: undefined });
  }

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;

    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        request.removeAllListeners('data');
        request.pause();
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
    request.once('error', () => resolve({ ok: false, reason: 'aborted' }));
    request.once('aborted', () => resolve({ ok: false, reason: 'aborted' }));
  });
}
