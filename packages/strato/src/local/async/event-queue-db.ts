/**
 * The durable store of asynchronous invocations, in one SQLite file: events
 * waiting for delivery or a retry, and events whose delivery failed for good.
 */
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

export interface PendingRow {
  readonly id: number;
  readonly functionId: string;
  readonly requestId: string;
  /** The event as JSON. */
  readonly payload: string;
  /** Milliseconds since the epoch. */
  readonly enqueuedAt: number;
  /** Function invocations that completed, with a result or an error. */
  readonly attempts: number;
  /** Invocations the Lambda service rejected (throttled) in a row; sets the backoff. */
  readonly throttles: number;
  /** The last function error as JSON, if any. */
  readonly lastError: string | null;
}

export interface FailedRow {
  readonly id: number;
  readonly functionId: string;
  readonly requestId: string;
  readonly payload: string;
  readonly error: string;
  readonly attempts: number;
  readonly condition: string;
  readonly enqueuedAt: number;
  readonly failedAt: number;
}

export type NewEvent = Pick<PendingRow, 'functionId' | 'requestId' | 'payload' | 'enqueuedAt'> & { readonly dueAt: number };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    functionId TEXT NOT NULL,
    requestId TEXT NOT NULL,
    payload TEXT NOT NULL,
    enqueuedAt INTEGER NOT NULL,
    dueAt INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    throttles INTEGER NOT NULL DEFAULT 0,
    lastError TEXT,
    inFlight INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS pendingByDue ON pending (inFlight, dueAt);
  CREATE TABLE IF NOT EXISTS failed (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    functionId TEXT NOT NULL,
    requestId TEXT NOT NULL,
    payload TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    condition TEXT NOT NULL,
    enqueuedAt INTEGER NOT NULL,
    failedAt INTEGER NOT NULL
  );
`;

const PENDING_COLUMNS = 'id, functionId, requestId, payload, enqueuedAt, attempts, throttles, lastError';

export class EventQueueDb {
  private readonly db: Database.Database;
  private readonly insertPending: Database.Statement<[string, string, string, number, number]>;
  private readonly selectDue: Database.Statement<[number, number], PendingRow>;
  private readonly selectNextDue: Database.Statement<[], { dueAt: number | null }>;
  private readonly markInFlight: Database.Statement<[number]>;
  private readonly reschedule: Database.Statement<[number, number, number, string | null, number]>;
  private readonly deletePending: Database.Statement<[number]>;
  private readonly insertFailed: Database.Statement<[string, string, string, string, number, string, number, number]>;
  private readonly selectFailed: Database.Statement<[{ functionId: string | null; requestId: string | null; limit: number }], FailedRow>;
  private readonly countPending: Database.Statement<[], { count: number }>;
  private readonly deleteFailed: Database.Statement<[number]>;

  constructor(file: string) {
    this.db = openDurableDatabase(file);
    this.db.exec(SCHEMA);
    // Deliveries that were running when the previous process stopped start again.
    this.db.exec('UPDATE pending SET inFlight = 0 WHERE inFlight = 1');

    this.insertPending = this.db.prepare('INSERT INTO pending (functionId, requestId, payload, enqueuedAt, dueAt) VALUES (?, ?, ?, ?, ?)');
    this.selectDue = this.db.prepare(`SELECT ${PENDING_COLUMNS} FROM pending WHERE inFlight = 0 AND dueAt <= ? ORDER BY dueAt, id LIMIT ?`);
    this.selectNextDue = this.db.prepare('SELECT MIN(dueAt) AS dueAt FROM pending WHERE inFlight = 0');
    this.markInFlight = this.db.prepare('UPDATE pending SET inFlight = 1 WHERE id = ?');
    this.reschedule = this.db.prepare('UPDATE pending SET inFlight = 0, dueAt = ?, attempts = ?, throttles = ?, lastError = ? WHERE id = ?');
    this.deletePending = this.db.prepare('DELETE FROM pending WHERE id = ?');
    this.insertFailed = this.db.prepare('INSERT INTO failed (functionId, requestId, payload, error, attempts, condition, enqueuedAt, failedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.selectFailed = this.db.prepare('SELECT * FROM failed WHERE (@functionId IS NULL OR functionId = @functionId) AND (@requestId IS NULL OR requestId = @requestId) ORDER BY id LIMIT @limit');
    this.countPending = this.db.prepare('SELECT COUNT(*) AS count FROM pending');
    this.deleteFailed = this.db.prepare('DELETE FROM failed WHERE id = ?');
  }

  add(event: NewEvent): void {
    this.insertPending.run(event.functionId, event.requestId, event.payload, event.enqueuedAt, event.dueAt);
  }

  /** Returns up to `limit` events due at `now`, oldest due first, and marks them in flight. */
  takeDue(now: number, limit: number): PendingRow[] {
    return this.db.transaction(() => {
      const rows = this.selectDue.all(now, limit);
      for (const row of rows) this.markInFlight.run(row.id);
      return rows;
    })();
  }

  /** Returns when the next event not in flight is due, or undefined when none waits. */
  nextDueAt(): number | undefined {
    return this.selectNextDue.get()?.dueAt ?? undefined;
  }

  retryLater(id: number, change: { dueAt: number; attempts: number; throttles: number; lastError: string | null }): void {
    this.reschedule.run(change.dueAt, change.attempts, change.throttles, change.lastError, id);
  }

  /** Removes a delivered event and, in the same transaction, queues the events it causes (destination records). */
  complete(id: number, followUps: readonly NewEvent[] = []): void {
    this.db.transaction(() => {
      this.deletePending.run(id);
      for (const event of followUps) this.add(event);
    })();
  }

  /** Moves an event to the failed store and queues its follow-ups, in one transaction. */
  fail(row: PendingRow, failure: { error: string; attempts: number; condition: string; failedAt: number }, followUps: readonly NewEvent[] = []): void {
    this.db.transaction(() => {
      this.deletePending.run(row.id);
      this.insertFailed.run(row.functionId, row.requestId, row.payload, failure.error, failure.attempts, failure.condition, row.enqueuedAt, failure.failedAt);
      for (const event of followUps) this.add(event);
    })();
  }

  listFailed(filter: { functionId?: string; requestId?: string; limit: number }): FailedRow[] {
    return this.selectFailed.all({ functionId: filter.functionId ?? null, requestId: filter.requestId ?? null, limit: filter.limit });
  }

  /**
   * Moves failed events back to the pending table, due now, as new events
   * (`newRequestId` gives each its id), in one transaction. Returns how many moved.
   */
  redrive(filter: { functionId?: string; limit: number }, now: number, newRequestId: () => string): number {
    return this.db.transaction(() => {
      const rows = this.listFailed(filter);
      for (const row of rows) {
        this.deleteFailed.run(row.id);
        this.add({ functionId: row.functionId, requestId: newRequestId(), payload: row.payload, enqueuedAt: now, dueAt: now });
      }
      return rows.length;
    })();
  }

  pendingCount(): number {
    return this.countPending.get()?.count ?? 0;
  }

  close(): void {
    this.db.close();
  }
}
