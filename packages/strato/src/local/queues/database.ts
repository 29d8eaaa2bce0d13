/**
 * The SQLite file behind the queues and its prepared statements. All queues
 * share one table of messages. The row id orders messages by arrival, which is
 * the order of a FIFO queue, and receipt handles carry it, so every index
 * grows at its end as messages arrive. A message's state is its `visible_at`
 * time and its receive count, so a restart needs no recovery step: a message
 * that was in flight when the process died becomes visible when its timeout ends.
 */
import path from 'node:path';

import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

export const DATABASE_FILE = 'queues.sqlite';

/** A stored message, as the statements return it. Times are epoch milliseconds. */
export interface MessageRow {
  readonly seq: number;
  readonly queue: string;
  readonly message_id: string;
  readonly body: string;
  /** The message attributes as JSON, binary values in base64; null without attributes. */
  readonly message_attributes: string | null;
  readonly md5_of_body: string;
  readonly md5_of_message_attributes: string | null;
  readonly sender_id: string;
  readonly sent_at: number;
  readonly visible_at: number;
  readonly receive_count: number;
  readonly first_received_at: number | null;
  /** Time of the latest receive; SQS counts the 12-hour visibility limit from it. */
  readonly received_at: number | null;
  /** Changes with every receive, so only the latest receipt handle matches. */
  readonly receipt_token: string | null;
  readonly group_id: string | null;
  readonly deduplication_id: string | null;
  readonly dead_letter_source_arn: string | null;
  readonly trace_header: string | null;
}

export type NewMessage = Omit<MessageRow, 'seq' | 'receive_count' | 'first_received_at' | 'received_at' | 'receipt_token'>;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT NOT NULL,
    message_attributes TEXT,
    md5_of_body TEXT NOT NULL,
    md5_of_message_attributes TEXT,
    sender_id TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_received_at INTEGER,
    received_at INTEGER,
    receipt_token TEXT,
    group_id TEXT,
    deduplication_id TEXT,
    dead_letter_source_arn TEXT,
    trace_header TEXT
  );
  CREATE INDEX IF NOT EXISTS messages_by_visibility ON messages (queue, visible_at, seq);
  CREATE INDEX IF NOT EXISTS messages_by_arrival ON messages (queue, seq);
  CREATE INDEX IF NOT EXISTS messages_by_age ON messages (queue, sent_at);
  CREATE TABLE IF NOT EXISTS fifo_deduplication (
    queue TEXT NOT NULL,
    deduplication_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue, deduplication_id)
  ) WITHOUT ROWID;
`;

export class QueueDatabase {
  readonly #db: Database.Database;
  readonly #runInTransaction: (work: () => unknown) => unknown;

  readonly insertMessage: Database.Statement<[NewMessage]>;
  readonly selectVisible: Database.Statement<[string, number, number], MessageRow>;
  readonly selectVisibleInOrder: Database.Statement<[string, number], MessageRow>;
  readonly selectInFlightGroups: Database.Statement<[string, number], { group_id: string }>;
  readonly selectBySeq: Database.Statement<[number], MessageRow>;
  readonly selectNextVisibleAt: Database.Statement<[string, number], { next: number | null }>;
  readonly markReceived: Database.Statement<[{ token: string; visibleAt: number; now: number; seq: number }]>;
  readonly moveToDeadLetterQueue: Database.Statement<[string, string, number, number]>;
  readonly moveBackFromDeadLetterQueue: Database.Statement<[string, number, number]>;
  readonly selectQueueSeqs: Database.Statement<[string], { seq: number; dead_letter_source_arn: string | null }>;
  readonly setVisibleAt: Database.Statement<[number, number]>;
  readonly deleteMessage: Database.Statement<[number]>;
  readonly deleteExpired: Database.Statement<[string, number]>;
  readonly deleteQueueMessages: Database.Statement<[string]>;
  readonly countMessages: Database.Statement<[{ queue: string; now: number }], { visible: number; inFlight: number; delayed: number }>;
  readonly selectDeduplication: Database.Statement<[string, string, number], { message_id: string; seq: number }>;
  readonly upsertDeduplication: Database.Statement<[string, string, string, number, number]>;
  readonly deleteExpiredDeduplication: Database.Statement<[number]>;

  constructor(stateDir: string) {
    this.#db = openDurableDatabase(path.join(stateDir, DATABASE_FILE));
    // A larger page cache keeps the index pages that sends and receives touch in memory as a backlog grows past SQLite's 2 MiB default.
    this.#db.pragma('cache_size = -65536');
    this.#db.exec(SCHEMA);
    addMissingColumns(this.#db);

    const db = this.#db;
    this.#runInTransaction = db.transaction((work: () => unknown) => work());
    this.insertMessage = db.prepare(`
      INSERT INTO messages (queue, message_id, body, message_attributes, md5_of_body, md5_of_message_attributes,
        sender_id, sent_at, visible_at, group_id, deduplication_id, dead_letter_source_arn, trace_header)
      VALUES (@queue, @message_id, @body, @message_attributes, @md5_of_body, @md5_of_message_attributes,
        @sender_id, @sent_at, @visible_at, @group_id, @deduplication_id, @dead_letter_source_arn, @trace_header)`);
    this.selectVisible = db.prepare('SELECT * FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?');
    this.selectVisibleInOrder = db.prepare('SELECT * FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY seq');
    this.selectInFlightGroups = db.prepare('SELECT DISTINCT group_id FROM messages WHERE queue = ? AND visible_at > ? AND receive_count > 0');
    this.selectBySeq = db.prepare('SELECT * FROM messages WHERE seq = ?');
    this.selectNextVisibleAt = db.prepare('SELECT MIN(visible_at) AS next FROM messages WHERE queue = ? AND visible_at > ?');
    this.markReceived = db.prepare(`
      UPDATE messages SET receipt_token = @token, visible_at = @visibleAt, receive_count = receive_count + 1,
        first_received_at = COALESCE(first_received_at, @now), received_at = @now WHERE seq = @seq`);
    this.moveToDeadLetterQueue = db.prepare(`
      UPDATE messages SET queue = ?, dead_letter_source_arn = ?, visible_at = ?, receive_count = 0,
        first_received_at = NULL, receipt_token = NULL WHERE seq = ?`);
    this.moveBackFromDeadLetterQueue = db.prepare(`
      UPDATE messages SET queue = ?, dead_letter_source_arn = NULL, visible_at = ?, receive_count = 0,
        first_received_at = NULL, receipt_token = NULL WHERE seq = ?`);
    this.selectQueueSeqs = db.prepare('SELECT seq, dead_letter_source_arn FROM messages WHERE queue = ? ORDER BY seq');
    this.setVisibleAt = db.prepare('UPDATE messages SET visible_at = ? WHERE seq = ?');
    this.deleteMessage = db.prepare('DELETE FROM messages WHERE seq = ?');
    this.deleteExpired = db.prepare('DELETE FROM messages WHERE queue = ? AND sent_at <= ?');
    this.deleteQueueMessages = db.prepare('DELETE FROM messages WHERE queue = ?');
    this.countMessages = db.prepare(`
      SELECT
        COALESCE(SUM(visible_at <= @now), 0) AS visible,
        COALESCE(SUM(visible_at > @now AND receive_count > 0), 0) AS inFlight,
        COALESCE(SUM(visible_at > @now AND receive_count = 0), 0) AS delayed
      FROM messages WHERE queue = @queue`);
    this.selectDeduplication = db.prepare('SELECT message_id, seq FROM fifo_deduplication WHERE queue = ? AND deduplication_id = ? AND expires_at > ?');
    this.upsertDeduplication = db.prepare('INSERT OR REPLACE INTO fifo_deduplication (queue, deduplication_id, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?)');
    this.deleteExpiredDeduplication = db.prepare('DELETE FROM fifo_deduplication WHERE expires_at <= ?');
  }

  /** Runs the work in one transaction: one commit, and all or nothing. */
  transaction<T>(work: () => T): T {
    return this.#runInTransaction(work) as T;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Adds the columns that later versions introduced to a state file created before them. */
function addMissingColumns(db: Database.Database): void {
  const columns = new Set((db.pragma('table_info(messages)') as { name: string }[]).map((column) => column.name));
  if (!columns.has('received_at')) db.exec('ALTER TABLE messages ADD COLUMN received_at INTEGER');
}
