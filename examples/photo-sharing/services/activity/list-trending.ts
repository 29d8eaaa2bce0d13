/**
 * `GET /trending?limit=N`: the most liked and viewed photos, highest score
 * first, where the score is likes × 3 + views over all time. Ties go to the
 * photo counted most recently. Only photos that a `PhotoReady` event
 * announced are listed. Public.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { database } from 'strato/client';

import { badRequest, json } from './interaction.ts';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;

const stats = database('stats');

interface TrendingRow {
  photo_id: string;
  views: number;
  likes: number;
  score: number;
  updated_at: string;
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const text = event.queryStringParameters?.limit;
  const limit = text === undefined ? DEFAULT_LIMIT : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return badRequest('InvalidLimit', `limit must be a whole number from 1 to ${MAX_LIMIT}; received "${text}".`);
  }

  const { rows } = await stats.query<TrendingRow>(
    // Counts of ids that no PhotoReady event announced, such as those stored before the check on views and likes, are left out.
    `SELECT photo_id, views, likes, likes * 3 + views AS score, updated_at
     FROM photo_counts
     WHERE EXISTS (SELECT 1 FROM photos WHERE photos.photo_id = photo_counts.photo_id)
     ORDER BY likes * 3 + views DESC, updated_at DESC, photo_id
     LIMIT $1`,
    [limit],
  );
  const items = rows.map((row) => ({
    photoId: row.photo_id,
    views: row.views,
    likes: row.likes,
    score: row.score,
    photo: `/photos/${encodeURIComponent(row.photo_id)}`,
  }));
  return json(200, { items });
}
