/**
 * The durable store of the bus, in one SQLite file: the events put on it,
 * one delivery per matched rule target waiting for its first attempt or a
 * retry, and the dead letters of targets that kept failing.
 */
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

/** A target of a rule, as a delivery stores it. */
export type TargetRef = { readonly kind: 'function'; readonly functionId: string } | { readonly kind: 'queue'; readonly queueId: string };

export interface NewDelivery {
  readonly ruleId: string;
  readonly target: TargetRef;
}

export interface NewEvent {
  readonly id: string;
  /** The event as JSON. */
  readonly json: string;
  readonly deliveries: readonly NewDelivery[];
}

export interface DeliveryRow {
  readonly id: number;
  readonly eventId: string;
  /** The event as JSON. */
  readonly event: string;
  readonly ruleId: string;
  readonly target: TargetRef;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the event was put, in epoch milliseconds. */
  readonly putAt: number;
}

export interface DeadLetterRow {
  readonly id: number;
  readonly eventId: string;
  readonly event: string;
  readonly ruleId: string;
  readonly target: TargetRef;
  readonly attempts: number;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly condition: string;
  readonly putAt: number;
  readonly failedAt: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    event TEXT NOT NULL,
    putAt INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    eventSeq INTEGER NOT NULL,
    ruleId TEXT NOT NULL,
    target TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    dueAt INTEGER NOT NULL,
    inFlight INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS deliveriesByDue ON deliveries (inFlight, dueAt);
  CREATE TABLE IF NOT EXISTS deadLetters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    eventId TEXT NOT NULL,
    event TEXT NOT NULL,
    ruleId TEXT NOT NULL,
    target TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    errorCode TEXT NOT NULL,
    errorMessage TEXT NOT NULL,
    condition TEXT NOT NULL,
    putAt INTEGER NOT NULL,
    failedAt INTEGER NOT NULL
  );
`;

/** Events kept for inspection after their deliveries finish. */
const KEPT_EVENTS = 10_000;

interface RawDelivery {
  id: number;
  eventId: string;
  event: string;
  ruleId: string;
  target: string;
  attempts: number;
  putAt: number;
}

export class BusDb {
  private readonly db: Database.Database;
  private readonly statements;
  private putsSincePrune = 0;

  constructor(file: string) {
    this.db = openDurableDatabase(file);
    this.db.exec(SCHEMA);

    // Deliveries that were in flight when the previous process stopped are due again (at least once).
    this.db.prepare('UPDATE deliveries SET inFlight = 0 WHERE inFlight = 1').run();

    this.statements = {
      insertEvent: this.db.prepare('INSERT INTO events (id, event, putAt) VALUES (?, ?, ?)'),
      insertDelivery: this.db.prepare('INSERT INTO deliveries (eventSeq, ruleId, target, dueAt) VALUES (?, ?, ?, ?)'),
      due: this.db.prepare(`
        SELECT d.id, e.id AS eventId, e.event, d.ruleId, d.target, d.attempts, e.putAt
        FROM deliveries d JOIN events e ON e.seq = d.eventSeq
        WHERE d.inFlight = 0 AND d.dueAt <= ? ORDER BY d.dueAt, d.id LIMIT ?`),
      markInFlight: this.db.prepare('UPDATE deliveries SET inFlight = 1 WHERE id = ?'),
      nextDueAt: this.db.prepare('SELECT MIN(dueAt) AS dueAt FROM deliveries WHERE inFlight = 0'),
      deleteDelivery: this.db.prepare('DELETE FROM deliveries WHERE id = ?'),
      retryDelivery: this.db.prepare('UPDATE deliveries SET inFlight = 0, attempts = ?, dueAt = ? WHERE id = ?'),
      insertDeadLetter: this.db.prepare(`
        INSERT INTO deadLetters (eventId, event, ruleId, target, attempts, errorCode, errorMessage, condition, putAt, failedAt)
        VALUES (@eventId, @event, @ruleId, @target, @attempts, @errorCode, @errorMessage, @condition, @putAt, @failedAt)`),
      listDeadLetters: this.db.prepare('SELECT * FROM deadLetters ORDER BY id LIMIT ?'),
      getDeadLetter: this.db.prepare('SELECT * FROM deadLetters WHERE id = ?'),
      deleteDeadLetter: this.db.prepare('DELETE FROM deadLetters WHERE id = ?'),
      pendingCount: this.db.prepare('SELECT COUNT(*) AS count FROM deliveries'),
      pruneEvents: this.db.prepare(`
        DELETE FROM events WHERE seq < (SELECT MAX(seq) FROM events) - ?
          AND seq NOT IN (SELECT eventSeq FROM deliveries)`),
    };
  }

  /** Stores events with their deliveries in one transaction, so a put is durable once it returns. */
  putEvents(events: readonly NewEvent[], now: number): void {
    this.db.transaction(() => {
      for (const event of events) {
        const { lastInsertRowid } = this.statements.insertEvent.run(event.id, event.json, now);
        for (const delivery of event.deliveries) {
          this.statements.insertDelivery.run(lastInsertRowid, delivery.ruleId, JSON.stringify(delivery.target), now);
        }
      }

      this.putsSincePrune += events.length;
      if (this.putsSincePrune >= 1000) {
        this.putsSincePrune = 0;
        this.statements.pruneEvents.run(KEPT_EVENTS);
      }
    })();
  }

  /** Marks up to `limit` due deliveries as in flight and returns them. */
  takeDue(now: number, limit: number): DeliveryRow[] {
    return this.db.transaction(() => {
      const rows = this.statements.due.all(now, limit) as RawDelivery[];
      for (const row of rows) this.statements.markInFlight.run(row.id);
      return rows.map((row) => ({ ...row, target: JSON.parse(row.target) as TargetRef }));
    })();
  }

  nextDueAt(): number | undefined {
    const row = this.statements.nextDueAt.get() as { dueAt: number | null };
    return row.dueAt ?? undefined;
  }

  complete(id: number): void {
    this.statements.deleteDelivery.run(id);
  }

  retry(id: number, attempts: number, dueAt: number): void {
    this.statements.retryDelivery.run(attempts, dueAt, id);
  }

  /** Moves a delivery to the dead letters, in one transaction. */
  deadLetter(row: DeliveryRow, failure: { attempts: number; errorCode: string; errorMessage: string; condition: string }, now: number): void {
    this.db.transaction(() => {
      this.statements.insertDeadLetter.run({
        eventId: row.eventId,
        event: row.event,
        ruleId: row.ruleId,
        target: JSON.stringify(row.target),
        ...failure,
        putAt: row.putAt,
        failedAt: now,
      });
      this.statements.deleteDelivery.run(row.id);
    })();
  }

  listDeadLetters(limit: number): DeadLetterRow[] {
    const rows = this.statements.listDeadLetters.all(limit) as (Omit<DeadLetterRow, 'target'> & { target: string })[];
    return rows.map((row) => ({ ...row, target: JSON.parse(row.target) as TargetRef }));
  }

  /** Puts dead letters back as new deliveries, due now, and removes them from the dead letters. */
  redrive(ids: readonly number[], now: number): number {
    return this.db.transaction(() => {
      let moved = 0;
      for (const id of ids) {
        const row = this.statements.getDeadLetter.get(id) as (Omit<DeadLetterRow, 'target'> & { target: string }) | undefined;
        if (!row) continue;
        const { lastInsertRowid } = this.statements.insertEvent.run(row.eventId, row.event, now);
        this.statements.insertDelivery.run(lastInsertRowid, row.ruleId, row.target, now);
        this.statements.deleteDeadLetter.run(id);
        moved++;
      }
      return moved;
    })();
  }

  pendingCount(): number {
    return (this.statements.pendingCount.get() as { count: number }).count;
  }

  close(): void {
    this.db.close();
  }
}
