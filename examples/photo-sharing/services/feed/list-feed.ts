/**
 * `GET /feed?limit=N&cursor=C`: the feed's photos, newest first, one page at
 * a time. `nextCursor` is present while more items follow; pass it back as
 * `cursor`. Each item links to `GET /photos/{id}`, which returns the
 * thumbnail URLs.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { table, type Key } from 'strato/client';

import { PUBLIC_FEED, type FeedItem } from './feed-item.ts';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

const items = table<FeedItem>('items');

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const limit = parseLimit(event.queryStringParameters?.limit);
  if (typeof limit === 'string') return badRequest('InvalidLimit', limit);
  const startKey = parseCursor(event.queryStringParameters?.cursor);
  if (typeof startKey === 'string') return badRequest('InvalidCursor', startKey);

  const page = await items.query({ partition: PUBLIC_FEED, descending: true, limit, startKey });
  const body = {
    items: page.items.map((item) => ({
      id: item.id,
      owner: item.owner,
      createdAt: item.createdAt,
      publishedAt: item.publishedAt,
      thumbnails: item.thumbnails,
      photo: `/photos/${encodeURIComponent(item.id)}`,
    })),
    nextCursor: page.lastKey ? Buffer.from(JSON.stringify(page.lastKey)).toString('base64url') : undefined,
  };
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Returns the page size, or the reason it is invalid. */
function parseLimit(text: string | undefined): number | string {
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    return `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}; received "${text}".`;
  }
  return limit;
}

/** Returns the start key a cursor encodes, or the reason it is invalid. */
function parseCursor(text: string | undefined): Key | undefined | string {
  if (text === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key.feed === PUBLIC_FEED && typeof key.id === 'string') return { feed: PUBLIC_FEED, id: key.id };
  } catch {
    // Reported below, as for a cursor that decodes to the wrong shape.
  }
  return `cursor "${text}" is not one this API returned; pass the nextCursor of the previous page.`;
}

function badRequest(code: string, message: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: code, message }) };
}
