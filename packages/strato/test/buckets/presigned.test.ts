import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import type { S3Event } from 'aws-lambda';

import {
  BucketNotifier,
  BucketStore,
  Presigner,
  createPresignedUrlHandler,
  type AsyncEventQueue,
  type PresignInput,
} from '../../src/local/buckets/index.ts';
import { bucketModel, tempStateDir } from './helpers.ts';

const BUCKET = 'demo-photos-originals';

class CollectingQueue implements AsyncEventQueue {
  readonly events: S3Event[] = [];
  /** Makes the next enqueue fail, as a queue whose disk is full would. */
  failNext = false;

  async enqueue(_functionId: string, event: unknown): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.events.push(event as S3Event);
  }
}

interface Cloud {
  readonly store: BucketStore;
  readonly presign: (input: Omit<PresignInput, 'bucket'> & { bucket?: string }) => Promise<string>;
  readonly queue: CollectingQueue;
  readonly stateDir: string;
  readonly baseUrl: string;
  /** Moves the presigner's clock, to test expiry without waiting. */
  clockOffsetMs: number;
  /** Emits `request` with a promise that settles when the handler has finished that request. */
  readonly requests: EventEmitter;
}

/** Starts a real HTTP server on 127.0.0.1 that serves presigned URLs, and 404 for anything else. */
async function startCloud(t: { after(fn: () => Promise<void> | void): void }, stateDir = tempStateDir(t)): Promise<Cloud> {
  const buckets = [bucketModel('originals', [{ functionId: 'photos.on-upload', events: ['s3:ObjectCreated:*'], prefix: '', suffix: '' }])];
  const queue = new CollectingQueue();
  const store = new BucketStore({ stateDir, buckets, listener: new BucketNotifier({ buckets, queue }) });
  let baseUrl = '';
  const cloud: Cloud = {
    store,
    queue,
    stateDir,
    get baseUrl() { return baseUrl; },
    clockOffsetMs: 0,
    requests: new EventEmitter(),
    presign: (input) => presigner.presign({ bucket: BUCKET, ...input }),
  };
  const presigner = new Presigner({ stateDir, baseUrl: () => baseUrl, now: () => Date.now() + cloud.clockOffsetMs });
  const handler = createPresignedUrlHandler({ store, presigner });

  const server: Server = createServer((request, response) => {
    const handled = handler.handle(request, response);
    cloud.requests.emit('request', handled);
    void handled.then((wasHandled) => {
      if (!wasHandled) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    store.close();
  });
  return cloud;
}

/** Sends a GET with a chosen Host header, which fetch does not allow. */
function getWithHost(baseUrl: string, target: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${target}`, { headers: { Host: host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Returns the `<Code>` of an S3 XML error body. */
async function errorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

test('presigned PUT then GET round trip', async (t) => {
  const cloud = await startCloud(t);
  const putUrl = await cloud.presign({ method: 'PUT', key: 'uploads/photo 1.jpg', expiresIn: 300, contentType: 'image/jpeg', metadata: { Owner: 'ana' } });

  const put = await fetch(putUrl, { method: 'PUT', body: Buffer.from('jpeg bytes'), headers: { 'Content-Type': 'image/jpeg', 'x-amz-meta-owner': 'ana' } });
  assert.equal(put.status, 200);
  // MD5 of "jpeg bytes", quoted as S3 sends it.
  const etag = put.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f]{32}"$/);

  const getUrl = await cloud.presign({ method: 'GET', key: 'uploads/photo 1.jpg', expiresIn: 300 });
  const get = await fetch(getUrl);
  assert.equal(get.status, 200);
  assert.equal(await get.text(), 'jpeg bytes');
  assert.equal(get.headers.get('content-type'), 'image/jpeg');
  assert.equal(get.headers.get('content-length'), '10');
  assert.equal(get.headers.get('etag'), etag);
  assert.equal(get.headers.get('x-amz-meta-owner'), 'ana');
  assert.equal(get.headers.get('last-modified'), cloud.store.head(BUCKET, 'uploads/photo 1.jpg').lastModified.toUTCString());

  const head = await fetch(await cloud.presign({ method: 'HEAD', key: 'uploads/photo 1.jpg', expiresIn: 300 }), { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '10');
});

test('presigned PUT sends an S3 event', async (t) => {
  const cloud = await startCloud(t);
  const url = await cloud.presign({ method: 'PUT', key: 'in/a b+c.txt', expiresIn: 60 });

  await fetch(url, { method: 'PUT', body: Buffer.from('hello') });

  assert.equal(cloud.queue.events.length, 1);
  const record = cloud.queue.events[0]!.Records[0]!;
  assert.equal(record.eventName, 'ObjectCreated:Put');
  assert.equal(record.s3.object.key, 'in/a+b%2Bc.txt');
  assert.equal(record.s3.object.size, 5);
  assert.equal(record.requestParameters.sourceIPAddress, '127.0.0.1');
});

test('upload events name the signing principal', async (t) => {
  const cloud = await startCloud(t);
  const signed = await cloud.presign({ method: 'PUT', key: 'in/signed.txt', expiresIn: 60, principalId: 'AWS:AROASTRATOLOCALROLE:demo-photos-upload' });
  const forged = new URL(signed);
  forged.searchParams.set('X-Strato-Principal', 'AWS:someone-else');

  const forgedPut = await fetch(forged, { method: 'PUT', body: Buffer.from('x') });
  await fetch(signed, { method: 'PUT', body: Buffer.from('x') });

  // S3 names the principal whose credentials signed the URL as the event's userIdentity.
  assert.equal(forgedPut.status, 403);
  assert.equal(cloud.queue.events.length, 1);
  assert.equal(cloud.queue.events[0]!.Records[0]!.userIdentity.principalId, 'AWS:AROASTRATOLOCALROLE:demo-photos-upload');
});

test('keys with traversal and Unicode travel intact', async (t) => {
  const cloud = await startCloud(t);

  for (const key of ['../../etc/passwd', 'a/../b', 'ünï cödé/日本.txt', 'q?x=1&y#z', '%2e%2e/x']) {
    const put = await fetch(await cloud.presign({ method: 'PUT', key, expiresIn: 60 }), { method: 'PUT', body: Buffer.from(key) });
    assert.equal(put.status, 200, key);
    assert.equal((await cloud.store.get(BUCKET, key)).body.toString(), key);
  }
});

test('tampered URLs get SignatureDoesNotMatch', async (t) => {
  const cloud = await startCloud(t);
  await cloud.store.put({ bucket: BUCKET, key: 'secret.txt', body: 'secret' });
  await cloud.store.put({ bucket: BUCKET, key: 'other.txt', body: 'other' });
  const url = new URL(await cloud.presign({ method: 'GET', key: 'secret.txt', expiresIn: 60 }));

  const signature = url.searchParams.get('X-Amz-Signature')!;
  const flipped = new URL(url);
  flipped.searchParams.set('X-Amz-Signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1));
  const otherKey = new URL(url.href.replace('secret.txt', 'other.txt'));
  const longer = new URL(url);
  longer.searchParams.set('X-Amz-Expires', '604800');
  const extraParam = new URL(url);
  extraParam.searchParams.set('response-content-type', 'text/html');
  const otherRegion = new URL(url);
  otherRegion.searchParams.set('X-Amz-Credential', url.searchParams.get('X-Amz-Credential')!.replace('us-east-1', 'eu-west-1'));

  for (const tampered of [flipped, otherKey, longer, extraParam, otherRegion]) {
    const response = await fetch(tampered);
    // S3 returns 403 SignatureDoesNotMatch for an altered presigned URL.
    assert.equal(response.status, 403, tampered.href);
    assert.equal(await errorCode(response), 'SignatureDoesNotMatch');
  }
});

test('expired URLs get AccessDenied', async (t) => {
  const cloud = await startCloud(t);
  await cloud.store.put({ bucket: BUCKET, key: 'k', body: 'x' });
  const url = await cloud.presign({ method: 'GET', key: 'k', expiresIn: 60 });

  cloud.clockOffsetMs = 61_000;
  const response = await fetch(url);

  assert.equal(response.status, 403);
  const body = await response.text();
  assert.match(body, /<Code>AccessDenied<\/Code>/);
  assert.match(body, /<Message>Request has expired<\/Message>/);
});

test('unsigned x-amz headers are rejected', async (t) => {
  const cloud = await startCloud(t);
  const plain = await cloud.presign({ method: 'PUT', key: 'k', expiresIn: 60 });
  const withOwner = await cloud.presign({ method: 'PUT', key: 'k', expiresIn: 60, metadata: { owner: 'ana' } });

  const unsigned = await fetch(plain, { method: 'PUT', body: Buffer.from('x'), headers: { 'x-amz-meta-owner': 'ana' } });
  const changed = await fetch(withOwner, { method: 'PUT', body: Buffer.from('x'), headers: { 'x-amz-meta-owner': 'eve' } });
  const missing = await fetch(withOwner, { method: 'PUT', body: Buffer.from('x') });

  // S3 rejects x-amz-* headers that the signature does not cover, naming them in HeadersNotSigned.
  assert.equal(unsigned.status, 403);
  const body = await unsigned.text();
  assert.match(body, /<Code>AccessDenied<\/Code>/);
  assert.match(body, /<HeadersNotSigned>x-amz-meta-owner<\/HeadersNotSigned>/);
  assert.equal(changed.status, 403);
  assert.equal(await errorCode(changed), 'SignatureDoesNotMatch');
  assert.equal(missing.status, 403);
  assert.equal(await errorCode(missing), 'SignatureDoesNotMatch');
  assert.throws(() => cloud.store.head(BUCKET, 'k'), { name: 'NoSuchKey' });
});

test('wrong method gets SignatureDoesNotMatch', async (t) => {
  const cloud = await startCloud(t);
  const getUrl = await cloud.presign({ method: 'GET', key: 'k', expiresIn: 60 });

  const response = await fetch(getUrl, { method: 'PUT', body: Buffer.from('overwrite') });

  assert.equal(response.status, 403);
  assert.equal(await errorCode(response), 'SignatureDoesNotMatch');
  assert.throws(() => cloud.store.head(BUCKET, 'k'), { name: 'NoSuchKey' });
});

test('signed content type is enforced', async (t) => {
  const cloud = await startCloud(t);
  const url = await cloud.presign({ method: 'PUT', key: 'photo.jpg', expiresIn: 60, contentType: 'image/jpeg' });

  const response = await fetch(url, { method: 'PUT', body: Buffer.from('<html>'), headers: { 'Content-Type': 'text/html' } });

  assert.equal(response.status, 403);
  assert.equal(await errorCode(response), 'SignatureDoesNotMatch');
});

test('missing object and missing signature', async (t) => {
  const cloud = await startCloud(t);

  const missing = await fetch(await cloud.presign({ method: 'GET', key: 'nothing-here', expiresIn: 60 }));
  const unsigned = await fetch(`${cloud.baseUrl}/_strato/s3/${BUCKET}/k`);
  const partial = await fetch(`${cloud.baseUrl}/_strato/s3/${BUCKET}/k?X-Amz-Signature=abc`);

  assert.equal(missing.status, 404);
  const missingBody = await missing.text();
  assert.match(missingBody, /<Code>NoSuchKey<\/Code>/);
  // S3 names the missing key in a <Key> element of the error document.
  assert.match(missingBody, /<Key>nothing-here<\/Key>/);
  assert.equal(unsigned.status, 403);
  assert.equal(await errorCode(unsigned), 'AccessDenied');
  assert.equal(partial.status, 400);
  assert.equal(await errorCode(partial), 'AuthorizationQueryParametersError');
});

test('unknown bucket gets NoSuchBucket', async (t) => {
  const cloud = await startCloud(t);

  const response = await fetch(await cloud.presign({ method: 'GET', bucket: 'nope', key: 'k', expiresIn: 60 }));

  assert.equal(response.status, 404);
  assert.equal(await errorCode(response), 'NoSuchBucket');
});

test('CORS preflight and headers for browser uploads', async (t) => {
  const cloud = await startCloud(t);
  const url = await cloud.presign({ method: 'PUT', key: 'from-browser.jpg', expiresIn: 60, contentType: 'image/jpeg' });
  const origin = 'http://127.0.0.1:5173';

  const preflight = await fetch(url, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' } });
  const put = await fetch(url, { method: 'PUT', body: Buffer.from('x'), headers: { Origin: origin, 'Content-Type': 'image/jpeg' } });

  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type');
  assert.equal(put.status, 200);
  assert.equal(put.headers.get('access-control-allow-origin'), origin);
  assert.match(put.headers.get('access-control-expose-headers') ?? '', /ETag/);
});

test('URLs stay valid across restarts only', async (t) => {
  const stateDir = tempStateDir(t);
  const first = await startCloud(t, stateDir);
  await first.store.put({ bucket: BUCKET, key: 'k', body: 'kept' });
  const url = new URL(await first.presign({ method: 'GET', key: 'k', expiresIn: 60 }));

  const sameState = await startCloud(t, stateDir);
  const otherState = await startCloud(t);
  await otherState.store.put({ bucket: BUCKET, key: 'k', body: 'other' });

  // The signature covers the Host header, so both requests send the host the URL was signed for.
  const fromSame = await getWithHost(sameState.baseUrl, `${url.pathname}${url.search}`, url.host);
  const fromOther = await getWithHost(otherState.baseUrl, `${url.pathname}${url.search}`, url.host);

  assert.equal(fromSame.status, 200);
  assert.equal(fromSame.body, 'kept');
  assert.equal(fromOther.status, 403);
});

test('presign rejects invalid input', async (t) => {
  const cloud = await startCloud(t);

  await assert.rejects(cloud.presign({ method: 'GET', key: 'k', expiresIn: 0 }), { name: 'InvalidArgument' });
  await assert.rejects(cloud.presign({ method: 'GET', key: 'k', expiresIn: 604_801 }), { name: 'InvalidArgument' });
  await assert.rejects(cloud.presign({ method: 'DELETE' as 'GET', key: 'k', expiresIn: 60 }), { name: 'InvalidArgument' });
  await assert.rejects(cloud.presign({ method: 'GET', key: '..', expiresIn: 60 }), { name: 'InvalidArgument' });
});

test('interrupted upload stores nothing', async (t) => {
  const cloud = await startCloud(t);
  const url = new URL(await cloud.presign({ method: 'PUT', key: 'partial.bin', expiresIn: 60 }));

  const received = once(cloud.requests, 'request');
  const request = httpRequest(url, { method: 'PUT', headers: { 'Content-Length': 1_000_000 } });
  request.on('error', () => {});
  request.write(Buffer.alloc(64 * 1024, 7));
  const [handled] = (await received) as [Promise<boolean>];
  request.destroy();
  await handled;

  assert.throws(() => cloud.store.head(BUCKET, 'partial.bin'), { name: 'NoSuchKey' });
  assert.deepEqual(readdirSync(path.join(cloud.stateDir, 'buckets', BUCKET, '.tmp')), []);
  assert.equal(cloud.queue.events.length, 0);
});

test('uploads over 5 GB get EntityTooLarge', async (t) => {
  const cloud = await startCloud(t);
  const url = new URL(await cloud.presign({ method: 'PUT', key: 'huge.bin', expiresIn: 60 }));

  const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    // Announce 5 GB plus one byte. The server rejects the upload from the header alone.
    const request = httpRequest(url, { method: 'PUT', headers: { 'Content-Length': 5 * 1024 ** 3 + 1 } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.write('x');
  });

  assert.equal(status.status, 400);
  assert.match(status.body, /<Code>EntityTooLarge<\/Code>/);
});

test('GET with a Range header returns part', async (t) => {
  const cloud = await startCloud(t);
  await cloud.store.put({ bucket: BUCKET, key: 'digits.txt', body: '0123456789' });
  const url = await cloud.presign({ method: 'GET', key: 'digits.txt', expiresIn: 60 });

  const middle = await fetch(url, { headers: { Range: 'bytes=2-4' } });
  const suffix = await fetch(url, { headers: { Range: 'bytes=-3' } });
  const open = await fetch(url, { headers: { Range: 'bytes=8-' } });
  const beyond = await fetch(url, { headers: { Range: 'bytes=10-' } });

  assert.equal(middle.status, 206);
  assert.equal(await middle.text(), '234');
  assert.equal(middle.headers.get('content-range'), 'bytes 2-4/10');
  assert.equal(await suffix.text(), '789');
  assert.equal(await open.text(), '89');
  assert.equal(beyond.status, 416);
  assert.equal(await errorCode(beyond), 'InvalidRange');
});

test('conditional GET and HEAD', async (t) => {
  const cloud = await startCloud(t);
  const info = await cloud.store.put({ bucket: BUCKET, key: 'cached.txt', body: 'v1' });
  const url = await cloud.presign({ method: 'GET', key: 'cached.txt', expiresIn: 60 });
  const headUrl = await cloud.presign({ method: 'HEAD', key: 'cached.txt', expiresIn: 60 });
  const later = new Date(info.lastModified.getTime() + 5000).toUTCString();
  const earlier = new Date(info.lastModified.getTime() - 5000).toUTCString();

  // Status codes as S3's GetObject documents them for each conditional header.
  const cases: [Record<string, string>, number][] = [
    [{ 'If-None-Match': info.etag }, 304],
    [{ 'If-None-Match': '"0123"' }, 200],
    [{ 'If-Modified-Since': later }, 304],
    [{ 'If-Modified-Since': earlier }, 200],
    [{ 'If-Match': info.etag }, 200],
    [{ 'If-Match': '"0123"' }, 412],
    [{ 'If-Unmodified-Since': earlier }, 412],
    [{ 'If-Match': info.etag, 'If-Unmodified-Since': earlier }, 200],
    [{ 'If-None-Match': info.etag, 'If-Modified-Since': earlier }, 304],
  ];
  for (const [headers, status] of cases) {
    const get = await fetch(url, { headers });
    const head = await fetch(headUrl, { method: 'HEAD', headers });
    assert.equal(get.status, status, JSON.stringify(headers));
    assert.equal(head.status, status, `HEAD ${JSON.stringify(headers)}`);
    if (status === 412) assert.equal(await errorCode(get), 'PreconditionFailed');
    else await get.arrayBuffer();
  }
});

test('failure after the body is read gets InternalError', async (t) => {
  const cloud = await startCloud(t);
  const url = await cloud.presign({ method: 'PUT', key: 'late-failure.txt', expiresIn: 60 });
  cloud.queue.failNext = true;

  const response = await fetch(url, { method: 'PUT', body: Buffer.from('stored, but its event could not be queued') });

  assert.equal(response.status, 500);
  assert.equal(await errorCode(response), 'InternalError');
});

test('presigned PUT checks Content-MD5', async (t) => {
  const cloud = await startCloud(t);
  const url = await cloud.presign({ method: 'PUT', key: 'checked.txt', expiresIn: 60 });

  // Base64 MD5 of "hello world". S3 returns BadDigest when the body differs.
  const response = await fetch(url, { method: 'PUT', body: Buffer.from('hello there'), headers: { 'Content-MD5': 'XrY7u+Ae7tCTyyK7j1rNww==' } });

  assert.equal(response.status, 400);
  assert.equal(await errorCode(response), 'BadDigest');
  assert.throws(() => cloud.store.head(BUCKET, 'checked.txt'), { name: 'NoSuchKey' });
});
