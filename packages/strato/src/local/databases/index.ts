/**
 * SQL databases (Postgres dialect) of the local cloud, one PGlite instance
 * each, migrated from their `.sql` files when the cloud starts, and served
 * to functions with the RDS Data API's operations and errors.
 */
export { DatabaseEngine, MAX_RESPONSE_BYTES, MAX_SQL_LENGTH, TRANSACTION_IDLE_SECONDS, type DatabaseEngineOptions } from './engine.ts';
export { createDatabaseHandler } from './database-handler.ts';
export { DatabaseServiceError, type DatabaseErrorName } from './errors.ts';
export { MigrationError, MIGRATIONS_TABLE } from './migrations.ts';
export type * from './types.ts';
