/**
 * Statement parameters for the RDS Data API, which takes named parameters
 * (`:name`) with typed values, while `strato/client` takes Postgres's
 * positional `$1`, `$2`.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_SqlParameter.html
 */
import type { SqlParameter as DataApiParameter } from '@aws-sdk/client-rds-data';

import type { SqlParameter } from '../../local/databases/types.ts';

/**
 * Renames `$1`, `$2` to `:p1`, `:p2`, leaving alone what is inside string
 * literals, quoted identifiers, comments and dollar-quoted bodies.
 */
export function toNamedParameters(sql: string): string {
  let output = '';
  let index = 0;
  while (index < sql.length) {
    const skipped = skipQuoted(sql, index);
    if (skipped > index) {
      output += sql.slice(index, skipped);
      index = skipped;
      continue;
    }

    const positional = /^\$(\d+)/.exec(sql.slice(index, index + 12));
    if (positional && !isIdentifierCharacter(sql[index - 1])) {
      output += `:p${positional[1]}`;
      index += positional[0].length;
      continue;
    }
    output += sql[index];
    index += 1;
  }
  return output;
}

/** Returns the end of the quoted text or comment that starts at `start`, or `start` when none starts there. */
function skipQuoted(sql: string, start: number): number {
  const rest = sql.slice(start, start + 2);
  if (rest.startsWith("'") || rest.startsWith('"')) return closingQuote(sql, start, sql[start]!);
  if (rest === '--') return endOf(sql, '\n', start + 2);
  if (rest === '/*') return endOf(sql, '*/', start + 2);

  // A dollar quote: $$ or $tag$, where a tag does not start with a digit.
  const dollarTag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 64));
  if (dollarTag && !isIdentifierCharacter(sql[start - 1])) return endOf(sql, dollarTag[0], start + dollarTag[0].length);
  return start;
}

/** Finds the closing quote, where a doubled quote stands for the quote character itself. */
function closingQuote(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] === quote) index += 2;
      else return index + 1;
    } else {
      index += 1;
    }
  }
  return sql.length;
}

function endOf(sql: string, terminator: string, from: number): number {
  const found = sql.indexOf(terminator, from);
  return found === -1 ? sql.length : found + terminator.length;
}

function isIdentifierCharacter(character: string | undefined): boolean {
  return character !== undefined && /[A-Za-z0-9_$]/.test(character);
}

/** Returns the Data API parameters `p1`, `p2` and so on for positional values. */
export function toDataApiParameters(params: readonly SqlParameter[]): DataApiParameter[] {
  return params.map((value, index) => ({ name: `p${index + 1}`, ...typedValue(value, index) }));
}

function typedValue(value: SqlParameter, index: number): Omit<DataApiParameter, 'name'> {
  if (value === null || value === undefined) return { value: { isNull: true } };
  if (typeof value === 'string') return { value: { stringValue: value } };
  if (typeof value === 'boolean') return { value: { booleanValue: value } };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Parameter $${index + 1} is ${value}; Postgres parameters must be finite numbers.`);
    return Number.isInteger(value) ? { value: { longValue: value } } : { value: { doubleValue: value } };
  }
  if (value instanceof Uint8Array) return { value: { blobValue: value } };
  // The Data API reads a TIMESTAMP hint as 'YYYY-MM-DD HH:MM:SS[.FFF]', in UTC.
  if (value instanceof Date) return { value: { stringValue: value.toISOString().replace('T', ' ').replace('Z', '') }, typeHint: 'TIMESTAMP' };
  return { value: { stringValue: JSON.stringify(value) }, typeHint: 'JSON' };
}
