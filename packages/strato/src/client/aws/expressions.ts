/**
 * DynamoDB expressions for the clients' conditions, updates and key
 * conditions. Attribute names always go through placeholders, so names that
 * are reserved words (`status`, `name`, `size`) work.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
 */
import type { ItemCondition, KeyValue, SortKeyCondition } from '../protocol.ts';

/** The key attributes of a table, as DescribeTable reports them. */
export interface KeyNames {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/** An expression with its placeholders. */
export interface Expression {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

export function conditionExpression(condition: ItemCondition, keys: KeyNames): Expression {
  switch (condition.type) {
    case 'notExists':
      return { expression: 'attribute_not_exists(#condition)', names: { '#condition': keys.partitionKey }, values: {} };
    case 'exists':
      return { expression: 'attribute_exists(#condition)', names: { '#condition': keys.partitionKey }, values: {} };
    case 'equals':
      return { expression: '#condition = :condition', names: { '#condition': condition.attribute }, values: { ':condition': condition.value } };
    default:
      throw validationError(`Invalid condition type ${JSON.stringify((condition as { type?: unknown }).type)}. Use "notExists", "exists" or "equals".`);
  }
}

/** Builds `SET #a0 = :a0, ... REMOVE #a1, ...`; undefined when there is nothing to change. */
export function updateExpression(changes: Readonly<Record<string, unknown>>): Expression | undefined {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};

  Object.entries(changes).forEach(([name, value], index) => {
    names[`#a${index}`] = name;
    if (value === undefined) {
      removes.push(`#a${index}`);
    } else {
      values[`:a${index}`] = value;
      sets.push(`#a${index} = :a${index}`);
    }
  });

  const clauses = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean);
  return clauses.length > 0 ? { expression: clauses.join(' '), names, values } : undefined;
}

const SORT_OPERATORS: Readonly<Record<string, string>> = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Builds the key condition of a query on one partition. */
export function keyConditionExpression(keys: KeyNames, partition: KeyValue, sort: SortKeyCondition | undefined): Expression {
  const names: Record<string, string> = { '#pk': keys.partitionKey };
  const values: Record<string, unknown> = { ':pk': partition };
  if (sort === undefined) return { expression: '#pk = :pk', names, values };

  const entries = Object.entries(sort);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined) {
    throw validationError(`Invalid sort key condition ${JSON.stringify(sort)}: set exactly one of eq, lt, lte, gt, gte, between or beginsWith`);
  }
  if (keys.sortKey === undefined) {
    throw validationError('Query key condition not supported: the table has no sort key, so a query takes only the partition key');
  }
  names['#sk'] = keys.sortKey;

  if (operator === 'between') {
    const [low, high] = operand as [KeyValue, KeyValue];
    Object.assign(values, { ':low': low, ':high': high });
    return { expression: '#pk = :pk AND #sk BETWEEN :low AND :high', names, values };
  }
  values[':sk'] = operand;
  if (operator === 'beginsWith') return { expression: '#pk = :pk AND begins_with(#sk, :sk)', names, values };

  const symbol = SORT_OPERATORS[operator];
  if (symbol === undefined) {
    throw validationError(`Invalid sort key condition ${JSON.stringify(sort)}: set exactly one of eq, lt, lte, gt, gte, between or beginsWith`);
  }
  return { expression: `#pk = :pk AND #sk ${symbol} :sk`, names, values };
}

/** Merges the placeholders of two expressions, which use distinct names. */
export function mergePlaceholders(...expressions: (Expression | undefined)[]): { names?: Record<string, string>; values?: Record<string, unknown> } {
  const names = Object.assign({}, ...expressions.map((expression) => expression?.names ?? {})) as Record<string, string>;
  const values = Object.assign({}, ...expressions.map((expression) => expression?.values ?? {})) as Record<string, unknown>;
  // DynamoDB rejects empty placeholder maps.
  return {
    names: Object.keys(names).length > 0 ? names : undefined,
    values: Object.keys(values).length > 0 ? values : undefined,
  };
}

function validationError(message: string): Error {
  const error = new Error(message);
  error.name = 'ValidationException';
  return error;
}
