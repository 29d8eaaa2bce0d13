/**
 * Users as the API shows them, and the checks on attributes that callers send.
 */
import type { UserRow } from './database.ts';
import { CognitoError, invalidParameter, missingMember, notAuthorized, USER_DOES_NOT_EXIST, USERNAME_NOT_FOUND } from './errors.ts';
import type { PoolContext } from './pool-context.ts';

export interface AttributeType {
  readonly Name: string;
  readonly Value: string;
}

/**
 * Standard attributes of a user pool (OpenID Connect claims).
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
 */
const STANDARD_ATTRIBUTES = new Set([
  'address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale', 'middle_name',
  'name', 'nickname', 'phone_number', 'phone_number_verified', 'picture', 'preferred_username', 'profile', 'updated_at',
  'website', 'zoneinfo',
]);

/** Attributes that only an administrator may write; an app client's default write permissions leave them out. */
const VERIFICATION_ATTRIBUTES = new Set(['email_verified', 'phone_number_verified']);

export function readAttributes(user: UserRow): Record<string, string> {
  return JSON.parse(user.attributes) as Record<string, string>;
}

/** The user's attributes as `[{Name, Value}]`, `sub` first, as GetUser and AdminGetUser return them. */
export function attributeList(user: UserRow): AttributeType[] {
  const list = [{ Name: 'sub', Value: user.sub }];
  for (const [Name, Value] of Object.entries(readAttributes(user))) list.push({ Name, Value });
  return list;
}

/** A user as the admin operations return it (`UserType`), with dates in epoch seconds. */
export function toUserType(user: UserRow, attributesKey: 'Attributes' | 'UserAttributes' = 'Attributes'): object {
  return {
    Username: user.username,
    [attributesKey]: attributeList(user),
    UserCreateDate: user.created_at / 1000,
    UserLastModifiedDate: user.updated_at / 1000,
    Enabled: user.enabled === 1,
    UserStatus: user.status,
  };
}

/**
 * Checks a list of attributes sent by a caller and returns it as an object.
 * `admin` callers may also set the `*_verified` attributes.
 */
export function parseAttributeList(value: unknown, member: string, options: { admin: boolean }): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw invalidParameter(`${member} must be a list of {Name, Value} objects, received ${JSON.stringify(value)}.`);

  const attributes: Record<string, string> = {};
  for (const entry of value as unknown[]) {
    const { Name, Value } = (entry ?? {}) as { Name?: unknown; Value?: unknown };
    if (typeof Name !== 'string' || Name === '') throw missingMember(`${member}.member.name`);
    if (Name === 'sub') throw invalidParameter('Cannot modify the non-mutable attribute sub');
    // NOTE: the model declares no custom attributes, so any `custom:` name is accepted here; Cognito accepts only those in the pool's schema.
    if (!STANDARD_ATTRIBUTES.has(Name) && !Name.startsWith('custom:')) {
      throw invalidParameter(`${member}: Attribute does not exist in the schema: ${Name}`);
    }
    if (VERIFICATION_ATTRIBUTES.has(Name) && !options.admin) {
      throw notAuthorized('A client attempted to write unauthorized attribute');
    }
    if (typeof Value !== 'string') throw invalidParameter(`${member}: the value of ${Name} must be a string, received ${JSON.stringify(Value)}.`);
    if (Value.length > 2048) throw invalidParameter(`${member}: the value of ${Name} is ${Value.length} characters long; the maximum is 2048.`);
    attributes[Name] = Value;
  }
  return attributes;
}

/**
 * Finds a user by name for a client operation. Cognito returns
 * UserNotFoundException with this message for an unknown name on these operations.
 */
export function findUserForClient(context: PoolContext, username: string): UserRow {
  const user = context.db.selectUserByName.get(username);
  if (!user) throw new CognitoError('UserNotFoundException', USERNAME_NOT_FOUND);
  return user;
}

/** Finds a user by name for an admin operation. */
export function findUserForAdmin(context: PoolContext, username: string): UserRow {
  const user = context.db.selectUserByName.get(username);
  if (!user) throw new CognitoError('UserNotFoundException', USER_DOES_NOT_EXIST);
  return user;
}

export function groupsOf(context: PoolContext, user: UserRow): string[] {
  return context.db.selectGroups.all(user.sub).map((row) => row.group_name);
}
