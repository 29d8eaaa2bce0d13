/**
 * The SQLite file behind the local user pool: its settings (pool id, client
 * id, signing key), users, group memberships, one-time codes, sign-in
 * sessions (one per refresh token) and the captured messages.
 */
import path from 'node:path';

import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

export const DATABASE_FILE = 'user-pool.sqlite';

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED';

export interface UserRow {
  readonly sub: string;
  readonly username: string;
  /** User attributes as a JSON object of strings, without `sub`. */
  readonly attributes: string;
  readonly status: UserStatus;
  readonly enabled: 0 | 1;
  readonly password_hash: string;
  /** The SRP salt and verifier as JSON, or `null` for a user stored before SRP sign-in existed. */
  readonly srp_verifier: string | null;
  readonly failed_sign_ins: number;
  /** Epoch milliseconds before which sign-in is refused after too many failures. */
  readonly locked_until: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** The purpose of a one-time code. */
export type CodePurpose = 'sign-up' | 'forgot-password' | 'verify-email';

export interface CodeRow {
  readonly code: string;
  readonly expires_at: number;
  readonly attempts_left: number;
}

/** One sign-in: the refresh token it returned and the tokens refreshed from it. */
export interface SessionRow {
  readonly origin_jti: string;
  readonly event_id: string;
  readonly sub: string;
  readonly auth_time: number;
  readonly expires_at: number;
  readonly revoked: 0 | 1;
}

export interface MessageRow {
  readonly id: number;
  readonly username: string;
  readonly kind: string;
  readonly destination: string | null;
  readonly code: string | null;
  readonly created_at: number;
}

// Usernames compare without case, as in a pool with `CaseSensitive: false`,
// the setting Cognito recommends (its API default is case-sensitive).
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS users (
    sub TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    attributes TEXT NOT NULL,
    status TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    srp_verifier TEXT,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS group_members (
    group_name TEXT NOT NULL,
    sub TEXT NOT NULL REFERENCES users(sub) ON DELETE CASCADE,
    PRIMARY KEY (sub, group_name)
  );
  CREATE TABLE IF NOT EXISTS codes (
    sub TEXT NOT NULL REFERENCES users(sub) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts_left INTEGER NOT NULL,
    PRIMARY KEY (sub, purpose)
  );
  CREATE TABLE IF NOT EXISTS sessions (
    origin_jti TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    sub TEXT NOT NULL REFERENCES users(sub) ON DELETE CASCADE,
    refresh_token_hash TEXT NOT NULL UNIQUE,
    auth_time INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (sub);
  CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL,
    destination TEXT,
    code TEXT,
    created_at INTEGER NOT NULL
  );
`;

/** Adds columns that pools created by earlier versions lack. */
function addMissingColumns(db: Database.Database): void {
  const columns = new Set((db.pragma('table_info(users)') as Array<{ name: string }>).map((column) => column.name));
  if (!columns.has('srp_verifier')) db.exec('ALTER TABLE users ADD COLUMN srp_verifier TEXT');
}

export class UserPoolDatabase {
  readonly #db: Database.Database;

  readonly selectSetting: Database.Statement<[string], { value: string }>;
  readonly insertSetting: Database.Statement<[string, string]>;

  readonly selectUserByName: Database.Statement<[string], UserRow>;
  readonly selectUserBySub: Database.Statement<[string], UserRow>;
  readonly insertUser: Database.Statement<[Omit<UserRow, 'failed_sign_ins' | 'locked_until'>]>;
  readonly updateStatus: Database.Statement<[UserStatus, number, string]>;
  readonly updateAttributes: Database.Statement<[string, number, string]>;
  readonly updatePassword: Database.Statement<[string, string, UserStatus, number, string]>;
  readonly updateSignInFailures: Database.Statement<[number, number, string]>;
  readonly updateEnabled: Database.Statement<[0 | 1, number, string]>;
  readonly deleteUser: Database.Statement<[string]>;
  readonly selectUsersAfter: Database.Statement<[string, number], UserRow>;

  readonly selectGroups: Database.Statement<[string], { group_name: string }>;
  readonly insertGroupMember: Database.Statement<[string, string]>;
  readonly deleteGroupMember: Database.Statement<[string, string]>;

  readonly selectCode: Database.Statement<[string, CodePurpose], CodeRow>;
  readonly upsertCode: Database.Statement<[string, CodePurpose, string, number, number]>;
  readonly updateCodeAttempts: Database.Statement<[number, string, CodePurpose]>;
  readonly deleteCode: Database.Statement<[string, CodePurpose]>;

  readonly insertSession: Database.Statement<[string, string, string, string, number, number]>;
  readonly selectSessionByRefreshHash: Database.Statement<[string], SessionRow>;
  readonly selectSession: Database.Statement<[string], SessionRow>;
  readonly revokeSessions: Database.Statement<[string]>;
  readonly revokeSessionByRefreshHash: Database.Statement<[string]>;

  readonly insertMessage: Database.Statement<[string, string, string | null, string | null, number]>;
  readonly selectMessages: Database.Statement<[], MessageRow>;
  readonly selectMessagesOf: Database.Statement<[string], MessageRow>;

  constructor(stateDir: string) {
    this.#db = openDurableDatabase(path.join(stateDir, DATABASE_FILE));
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
    addMissingColumns(this.#db);

    const db = this.#db;
    this.selectSetting = db.prepare('SELECT value FROM settings WHERE name = ?');
    this.insertSetting = db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)');

    this.selectUserByName = db.prepare('SELECT * FROM users WHERE username = ?');
    this.selectUserBySub = db.prepare('SELECT * FROM users WHERE sub = ?');
    this.insertUser = db.prepare(`
      INSERT INTO users (sub, username, attributes, status, enabled, password_hash, srp_verifier, created_at, updated_at)
      VALUES (@sub, @username, @attributes, @status, @enabled, @password_hash, @srp_verifier, @created_at, @updated_at)`);
    this.updateStatus = db.prepare('UPDATE users SET status = ?, updated_at = ? WHERE sub = ?');
    this.updateAttributes = db.prepare('UPDATE users SET attributes = ?, updated_at = ? WHERE sub = ?');
    this.updatePassword = db.prepare('UPDATE users SET password_hash = ?, srp_verifier = ?, status = ?, updated_at = ?, failed_sign_ins = 0, locked_until = 0 WHERE sub = ?');
    this.updateSignInFailures = db.prepare('UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE sub = ?');
    this.updateEnabled = db.prepare('UPDATE users SET enabled = ?, updated_at = ? WHERE sub = ?');
    this.deleteUser = db.prepare('DELETE FROM users WHERE sub = ?');
    // Users in username order, after a username, for ListUsers pages.
    this.selectUsersAfter = db.prepare('SELECT * FROM users WHERE username > ? ORDER BY username LIMIT ?');

    this.selectGroups = db.prepare('SELECT group_name FROM group_members WHERE sub = ? ORDER BY group_name');
    this.insertGroupMember = db.prepare('INSERT OR IGNORE INTO group_members (sub, group_name) VALUES (?, ?)');
    this.deleteGroupMember = db.prepare('DELETE FROM group_members WHERE sub = ? AND group_name = ?');

    this.selectCode = db.prepare('SELECT code, expires_at, attempts_left FROM codes WHERE sub = ? AND purpose = ?');
    this.upsertCode = db.prepare('INSERT OR REPLACE INTO codes (sub, purpose, code, expires_at, attempts_left) VALUES (?, ?, ?, ?, ?)');
    this.updateCodeAttempts = db.prepare('UPDATE codes SET attempts_left = ? WHERE sub = ? AND purpose = ?');
    this.deleteCode = db.prepare('DELETE FROM codes WHERE sub = ? AND purpose = ?');

    this.insertSession = db.prepare('INSERT INTO sessions (origin_jti, event_id, sub, refresh_token_hash, auth_time, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectSessionByRefreshHash = db.prepare('SELECT origin_jti, event_id, sub, auth_time, expires_at, revoked FROM sessions WHERE refresh_token_hash = ?');
    this.selectSession = db.prepare('SELECT origin_jti, event_id, sub, auth_time, expires_at, revoked FROM sessions WHERE origin_jti = ?');
    this.revokeSessions = db.prepare('UPDATE sessions SET revoked = 1 WHERE sub = ?');
    this.revokeSessionByRefreshHash = db.prepare('UPDATE sessions SET revoked = 1 WHERE refresh_token_hash = ?');

    this.insertMessage = db.prepare('INSERT INTO messages (username, kind, destination, code, created_at) VALUES (?, ?, ?, ?, ?)');
    this.selectMessages = db.prepare('SELECT * FROM messages ORDER BY id');
    this.selectMessagesOf = db.prepare('SELECT * FROM messages WHERE username = ? ORDER BY id');
  }

  /** Runs `work` in one transaction, so that a failure leaves nothing half written. */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work)();
  }

  close(): void {
    this.#db.close();
  }
}
