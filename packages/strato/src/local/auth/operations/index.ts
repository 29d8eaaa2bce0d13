/**
 * The user-pool operations served locally, by the name in `X-Amz-Target`.
 */
import type { Operation } from '../pool-context.ts';
import { changePassword, deleteUser, getUser, getUserAttributeVerificationCode, globalSignOut, updateUserAttributes, verifyUserAttribute } from './account.ts';
import { adminDeleteUser, adminDisableUser, adminEnableUser, adminListGroupsForUser, adminRemoveUserFromGroup, listUsers } from './admin-users.ts';
import { adminAddUserToGroup, adminConfirmSignUp, adminCreateUser, adminGetUser, adminSetUserPassword, adminUpdateUserAttributes } from './admin.ts';
import { confirmForgotPassword, forgotPassword } from './forgot-password.ts';
import { adminInitiateAuth, initiateAuth, respondToAuthChallenge, revokeToken } from './sign-in.ts';
import { confirmSignUp, resendConfirmationCode, signUp } from './sign-up.ts';

export const OPERATIONS: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['SignUp', signUp],
  ['ConfirmSignUp', confirmSignUp],
  ['ResendConfirmationCode', resendConfirmationCode],
  ['InitiateAuth', initiateAuth],
  ['RespondToAuthChallenge', respondToAuthChallenge],
  ['AdminInitiateAuth', adminInitiateAuth],
  ['RevokeToken', revokeToken],
  ['GetUserAttributeVerificationCode', getUserAttributeVerificationCode],
  ['GetUser', getUser],
  ['UpdateUserAttributes', updateUserAttributes],
  ['VerifyUserAttribute', verifyUserAttribute],
  ['ChangePassword', changePassword],
  ['GlobalSignOut', globalSignOut],
  ['ForgotPassword', forgotPassword],
  ['ConfirmForgotPassword', confirmForgotPassword],
  ['AdminCreateUser', adminCreateUser],
  ['AdminConfirmSignUp', adminConfirmSignUp],
  ['AdminAddUserToGroup', adminAddUserToGroup],
  ['AdminGetUser', adminGetUser],
  ['AdminSetUserPassword', adminSetUserPassword],
  ['AdminUpdateUserAttributes', adminUpdateUserAttributes],
  ['AdminDisableUser', adminDisableUser],
  ['AdminEnableUser', adminEnableUser],
  ['AdminDeleteUser', adminDeleteUser],
  ['AdminRemoveUserFromGroup', adminRemoveUserFromGroup],
  ['AdminListGroupsForUser', adminListGroupsForUser],
  ['ListUsers', listUsers],
  ['DeleteUser', deleteUser],
]);
