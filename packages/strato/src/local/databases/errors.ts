/**
 * The RDS Data API's errors. A failed SQL statement becomes a
 * `DatabaseErrorException` whose message ends with `SQLState: <code>`, the
 * form in which the Data API reports the Postgres error, so `strato/client`
 * reads the SQLSTATE the same way from both drivers.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ExecuteStatement.html#API_ExecuteStatement_Errors
 */
import { AwsError } from '../router/index.ts';

export type DatabaseErrorName =
  | 'DatabaseErrorException'
  | 'DatabaseNotFoundException'
  | 'DatabaseUnavailableException'
  | 'TransactionNotFoundException'
  | 'BadRequestException';

/** An error of the RDS Data API, with its name in the AWS SDK v3. */
export class DatabaseServiceError extends AwsError {
  constructor(name: DatabaseErrorName, message: string) {
    super(name, message, 400);
  }
}

/** The fields of a Postgres error that PGlite throws (pg-protocol's `DatabaseError`). */
interface PostgresErrorFields {
  readonly message: string;
  readonly code?: string;
  readonly detail?: string;
  readonly position?: string;
}

/** Tells a Postgres error, which carries a five-character SQLSTATE in `code`, from other errors. */
export function isPostgresError(error: unknown): error is Error & PostgresErrorFields {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** Turns a Postgres error into the Data API's error, keeping its message, detail and SQLSTATE. */
export function statementError(error: Error & PostgresErrorFields): DatabaseServiceError {
  const detail = error.detail ? `\n  Detail: ${error.detail}` : '';
  const position = error.position ? `\n  Position: ${error.position}` : '';
  return new DatabaseServiceError('DatabaseErrorException', `ERROR: ${error.message}${detail}${position}; SQLState: ${error.code}`);
}
