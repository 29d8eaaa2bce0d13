/**
 * Errors of the table store, named as DynamoDB names them so that a handler
 * gets the same `name` locally and on AWS. DynamoDB returns each of them with
 * HTTP status 400.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */

export type TableErrorName =
  | 'ValidationException'
  | 'ConditionalCheckFailedException'
  | 'ResourceNotFoundException';

export class TableError extends Error {
  readonly statusCode = 400;

  constructor(name: TableErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

export function validationError(message: string): TableError {
  return new TableError('ValidationException', message);
}
