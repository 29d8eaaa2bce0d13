/**
 * Errors of the local user pool, named as the Cognito user-pool API names
 * them. Cognito sends each with HTTP 400, the name in the
 * `x-amzn-ErrorType` header and a body `{"__type": name, "message": ...}`,
 * which the AWS SDK turns into an exception of that name.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html
 */

export type CognitoErrorName =
  | 'AliasExistsException'
  | 'CodeMismatchException'
  | 'ExpiredCodeException'
  | 'InternalErrorException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'LimitExceededException'
  | 'NotAuthorizedException'
  | 'PasswordResetRequiredException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'UnsupportedTokenTypeException'
  | 'UserNotConfirmedException'
  | 'UserNotFoundException'
  | 'UsernameExistsException';

export class CognitoError extends Error {
  constructor(
    name: CognitoErrorName,
    message: string,
    /** HTTP status; Cognito uses 400 for every client error and 500 for its own. */
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = name;
  }
}

// Messages that Cognito sends word for word; clients and tests compare them.
export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';
export const USERNAME_NOT_FOUND = 'Username/client id combination not found.';
export const USER_DOES_NOT_EXIST = 'User does not exist.';
export const CODE_MISMATCH = 'Invalid verification code provided, please try again.';
export const CODE_EXPIRED = 'Invalid code provided, please request a code again.';
export const ATTEMPT_LIMIT = 'Attempt limit exceeded, please try after some time.';

export function notAuthorized(message = INCORRECT_CREDENTIALS): CognitoError {
  return new CognitoError('NotAuthorizedException', message);
}

export function invalidParameter(message: string): CognitoError {
  return new CognitoError('InvalidParameterException', message);
}

/**
 * The message Cognito's request validation gives for a required member that
 * is absent: `1 validation error detected: Value null at 'username' failed to
 * satisfy constraint: Member must not be null`.
 */
export function missingMember(member: string): CognitoError {
  const place = member.charAt(0).toLowerCase() + member.slice(1);
  return invalidParameter(`1 validation error detected: Value null at '${place}' failed to satisfy constraint: Member must not be null`);
}
