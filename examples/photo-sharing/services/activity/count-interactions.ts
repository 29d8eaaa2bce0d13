/**
 * Consumer of the `interactions` stream: adds each batch of views and likes
 * to the counts in the `stats` database.
 *
 * Lambda delivers stream records at least once, so a batch can arrive again
 * after a crash. The last sequence number applied per shard is stored in the
 * same transaction as the counts, and records up to it are skipped, so each
 * record is counted once.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { database, type DatabaseTransaction } from 'strato/client';

import { parseInteraction, type Interaction } from './interaction.ts';

const stats = database('stats');

type Like = Extract<Interaction, { type: 'like' }>;

export async function handler(event: KinesisStreamEvent): Promise<void> {
  for (const [shardId, records] of recordsByShard(event.Records)) {
    await stats.transaction((tx) => applyRecords(tx, shardId, records));
  }
}

/** Groups records by shard: a sequence number is ordered only within its shard. */
function recordsByShard(records: readonly KinesisStreamRecord[]): Map<string, KinesisStreamRecord[]> {
  const byShard = new Map<string, KinesisStreamRecord[]>();
  for (const record of records) {
    // eventID is `<shardId>:<sequenceNumber>`.
    const shardId = record.eventID.slice(0, record.eventID.lastIndexOf(':'));
    byShard.set(shardId, [...(byShard.get(shardId) ?? []), record]);
  }
  return byShard;
}

async function applyRecords(tx: DatabaseTransaction, shardId: string, records: readonly KinesisStreamRecord[]): Promise<void> {
  const checkpoint = await tx.query<{ sequence_number: string }>(
    'SELECT sequence_number::text AS sequence_number FROM stream_checkpoints WHERE shard_id = $1 FOR UPDATE',
    [shardId],
  );
  const applied = BigInt(checkpoint.rows[0]?.sequence_number ?? '-1');
  const fresh = records.filter((record) => BigInt(record.kinesis.sequenceNumber) > applied);
  if (fresh.length === 0) return;

  const { views, likes } = tally(fresh);
  const newLikes = await insertLikes(tx, likes);
  await addCounts(tx, views, newLikes);

  const last = fresh.reduce((max, record) => (BigInt(record.kinesis.sequenceNumber) > max ? BigInt(record.kinesis.sequenceNumber) : max), applied);
  await tx.query(
    `INSERT INTO stream_checkpoints (shard_id, sequence_number) VALUES ($1, $2::numeric)
     ON CONFLICT (shard_id) DO UPDATE SET sequence_number = EXCLUDED.sequence_number`,
    [shardId, last.toString()],
  );
}

/** Counts views per photo and collects likes, once per user and photo. */
function tally(records: readonly KinesisStreamRecord[]): { views: Map<string, number>; likes: Like[] } {
  const views = new Map<string, number>();
  const likes = new Map<string, Like>();
  for (const record of records) {
    const interaction = parseInteraction(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    if (!interaction) {
      // A record of another shape can never be counted, so it is skipped rather than retried.
      console.warn(`Skipped record ${record.eventID}: its data is not a view or like.`);
      continue;
    }
    if (interaction.type === 'view') views.set(interaction.photoId, (views.get(interaction.photoId) ?? 0) + 1);
    else likes.set(`${interaction.photoId}\n${interaction.userId}`, interaction);
  }
  return { views, likes: [...likes.values()] };
}

/**
 * Stores the likes and returns, per photo, how many were new. Rows go in as
 * one JSON parameter, because the Data API takes no array parameters.
 */
async function insertLikes(tx: DatabaseTransaction, likes: readonly Like[]): Promise<Map<string, number>> {
  const newLikes = new Map<string, number>();
  if (likes.length === 0) return newLikes;

  const rows = likes.map((like) => ({ photo_id: like.photoId, user_id: like.userId, liked_at: like.at }));
  const { rows: inserted } = await tx.query<{ photo_id: string }>(
    `INSERT INTO photo_likes (photo_id, user_id, liked_at)
     SELECT photo_id, user_id, liked_at FROM jsonb_to_recordset($1::jsonb) AS l(photo_id text, user_id text, liked_at timestamptz)
     ON CONFLICT (photo_id, user_id) DO NOTHING
     RETURNING photo_id`,
    [JSON.stringify(rows)],
  );
  for (const { photo_id: photoId } of inserted) newLikes.set(photoId, (newLikes.get(photoId) ?? 0) + 1);
  return newLikes;
}

async function addCounts(tx: DatabaseTransaction, views: ReadonlyMap<string, number>, likes: ReadonlyMap<string, number>): Promise<void> {
  const photoIds = new Set([...views.keys(), ...likes.keys()]);
  if (photoIds.size === 0) return;

  const rows = [...photoIds].map((photoId) => ({ photo_id: photoId, views: views.get(photoId) ?? 0, likes: likes.get(photoId) ?? 0 }));
  await tx.query(
    `INSERT INTO photo_counts (photo_id, views, likes, updated_at)
     SELECT photo_id, views, likes, now() FROM jsonb_to_recordset($1::jsonb) AS c(photo_id text, views int, likes int)
     ON CONFLICT (photo_id) DO UPDATE SET
       views = photo_counts.views + EXCLUDED.views,
       likes = photo_counts.likes + EXCLUDED.likes,
       updated_at = now()`,
    [JSON.stringify(rows)],
  );
}
