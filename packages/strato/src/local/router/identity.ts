/**
 * The identity a function calls other services with: on AWS, the session of
 * its execution role that Lambda assumes, named after the function.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
 */
import type { FunctionModel } from '../../model/index.ts';

/** Account and region that the local cloud presents as its own. */
export interface LocalAccount {
  /** @default '000000000000' */
  readonly accountId: string;
  /** @default 'us-east-1' */
  readonly region: string;
}

export const DEFAULT_LOCAL_ACCOUNT: LocalAccount = Object.freeze({ accountId: '000000000000', region: 'us-east-1' });

/** A calling function with the names AWS would show for it. */
export interface Caller {
  readonly fn: FunctionModel;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<function>`, as an access denied message names the caller. */
  readonly principalArn: string;
  /** `AWS:<role id>:<function>`, as `userIdentity.principalId` of an S3 event names the caller. */
  readonly principalId: string;
}

export function callerOf(fn: FunctionModel, account: LocalAccount): Caller {
  // NOTE: a deployed role has a name that CloudFormation generates; locally
  // the role is named after the function, so messages stay readable.
  const roleName = `${fn.physicalName}-role`;
  return {
    fn,
    principalArn: `arn:aws:sts::${account.accountId}:assumed-role/${roleName}/${fn.physicalName}`,
    principalId: `AWS:AROASTRATOLOCALROLE:${fn.physicalName}`,
  };
}
