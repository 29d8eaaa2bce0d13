/**
 * Admin operations that manage existing users: disable, enable, delete,
 * group membership, and listing users.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html
 */
import type { UserRow } from '../database.ts';
import { CognitoError, invalidParameter } from '../errors.ts';
import { requirePool, requireString } from '../input.ts';
import type { PoolContext } from '../pool-context.ts';
import { findUserForAdmin, groupsOf, readAttributes, toUserType } from '../users.ts';

/** ListUsers returns at most 60 users a page. */
const MAX_LIST_LIMIT = 60;

/** Disables a user: sign-in fails with "User is disabled." and every session is revoked, as Cognito does. */
export function adminDisableUser(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  context.db.transaction(() => {
    context.db.updateEnabled.run(0, context.now(), user.sub);
    context.db.revokeSessions.run(user.sub);
  });
  return {};
}

export function adminEnableUser(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  context.db.updateEnabled.run(1, context.now(), user.sub);
  return {};
}

/** Deletes a user with their groups, codes and sessions. */
export function adminDeleteUser(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  context.db.deleteUser.run(user.sub);
  return {};
}

export function adminRemoveUserFromGroup(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  const groupName = requireString(input, 'GroupName');
  if (!context.groups.has(groupName)) throw new CognitoError('ResourceNotFoundException', 'Group not found.');

  context.db.deleteGroupMember.run(user.sub, groupName);
  return {};
}

/** Lists the user's groups. NOTE: groups carry no creation or modification dates, because the model declares them without any. */
export function adminListGroupsForUser(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  return { Groups: groupsOf(context, user).map((GroupName) => ({ GroupName, UserPoolId: context.poolId })) };
}

/**
 * Lists users in username order, a page at a time. `Filter` takes Cognito's
 * form `name = "value"` (exact) or `name ^= "value"` (prefix).
 */
export function listUsers(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const limit = readLimit(input.Limit);
  const matches = compileFilter(input.Filter);
  const attributesToGet = Array.isArray(input.AttributesToGet) ? new Set(input.AttributesToGet as string[]) : undefined;

  if (limit === 0) return { Users: [] };

  const users: UserRow[] = [];
  let after = typeof input.PaginationToken === 'string' ? decodeToken(input.PaginationToken) : '';
  let more = false;
  while (users.length <= limit) {
    const batch = context.db.selectUsersAfter.all(after, 100);
    if (batch.length === 0) break;
    for (const user of batch) {
      if (!matches(user)) continue;
      if (users.length === limit) {
        more = true;
        break;
      }
      users.push(user);
    }
    if (more) break;
    after = batch.at(-1)!.username;
  }

  const listed = users.map((user) => {
    const type = toUserType(user) as { Attributes: Array<{ Name: string }> };
    if (attributesToGet) type.Attributes = type.Attributes.filter((attribute) => attributesToGet.has(attribute.Name));
    return type;
  });
  return { Users: listed, ...(more && { PaginationToken: Buffer.from(users.at(-1)!.username).toString('base64url') }) };
}

function readLimit(value: unknown): number {
  if (value === undefined || value === null) return MAX_LIST_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LIST_LIMIT) {
    throw invalidParameter(`1 validation error detected: Value '${String(value)}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${MAX_LIST_LIMIT}`);
  }
  return value;
}

function decodeToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** Returns the value that a filter on `name` tests, for the names ListUsers accepts. */
function filterValue(user: UserRow, name: string): string | undefined {
  if (name === 'username') return user.username;
  if (name === 'sub') return user.sub;
  if (name === 'cognito:user_status') return user.status;
  if (name === 'status') return user.enabled === 1 ? 'Enabled' : 'Disabled';
  return readAttributes(user)[name];
}

const FILTERABLE = new Set(['username', 'email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username', 'cognito:user_status', 'status', 'sub']);

function compileFilter(filter: unknown): (user: UserRow) => boolean {
  if (filter === undefined || filter === null || filter === '') return () => true;
  const parsed = typeof filter === 'string' ? /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter) : null;
  if (!parsed) throw invalidParameter(`Invalid filter ${JSON.stringify(filter)}. Write it as name = "value" or name ^= "value".`);

  const [, name, operator, value] = parsed as unknown as [string, string, string, string];
  if (!FILTERABLE.has(name)) throw invalidParameter(`Invalid search attribute: ${name}. Searchable: ${[...FILTERABLE].join(', ')}.`);
  return (user) => {
    const actual = filterValue(user, name);
    if (actual === undefined) return false;
    return operator === '=' ? actual === value : actual.startsWith(value);
  };
}
