/**
 * The function client with the AWS driver, through the real AWS SDK over
 * HTTP to moto, an AWS API emulator on 127.0.0.1. moto's Lambda runs without
 * Docker when its `lambda.use_docker` setting is off: it accepts `Event`
 * invocations and returns 202 without running code. That mode (moto 5.2)
 * accepts invocations of unknown functions too, so ResourceNotFoundException
 * is not tested here.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';

import { CreateAliasCommand, CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';

import { fn } from '../../src/client/index.ts';
import { startMoto, type Moto } from '../support/moto.ts';

let moto: Moto;
let lambda: LambdaClient;
let aliasArn: string;

before(async () => {
  moto = await startMoto();
  // The variables Lambda sets, pointed at moto; the driver reads them when it is first used.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: moto.clientConfig.region,
    AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
  });
  await configureMoto({ lambda: { use_docker: false } });
  lambda = new LambdaClient(moto.clientConfig);
  aliasArn = await createFunctionWithAlias(`resize-${randomUUID().slice(0, 8)}`);
  // The synthesis gives a linked function's variable the ARN of its `live` alias.
  process.env.STRATO_FUNCTION_RESIZE = aliasArn;
});

after(async () => {
  lambda?.destroy();
  await moto?.stop();
});

async function configureMoto(config: object): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify(config) });
  assert.equal(response.status, 201, `moto did not take the configuration: ${await response.text()}`);
}

/** Creates a function, a version and its `live` alias, and returns the alias ARN. */
async function createFunctionWithAlias(name: string): Promise<string> {
  const roleArn = await createRole(`${name}-role`);
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Role: roleArn,
    Handler: 'index.handler',
    Code: { ZipFile: new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]) },
  }));
  const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  const { AliasArn } = await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: Version }));
  return AliasArn!;
}

/** Creates an IAM role through the query API, which moto serves on the same port. */
async function createRole(name: string): Promise<string> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const body = new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: name, AssumeRolePolicyDocument: trust });
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
    body,
  });
  const text = await response.text();
  assert.equal(response.status, 200, `CreateRole failed: ${text}`);
  return /<Arn>([^<]+)<\/Arn>/.exec(text)![1]!;
}

test('invokeAsync is accepted with 202', async () => {
  const output = await fn('resize').invokeAsync({ photoId: 'p1' });

  // Invoke with InvocationType Event returns 202 (Lambda Invoke API reference).
  assert.equal(output.statusCode, 202);
  assert.equal(typeof output.requestId, 'string');
  assert.notEqual(output.requestId, '');
});

test('client name is the linked alias ARN', () => {
  assert.equal(fn('resize').name, aliasArn);
  assert.match(aliasArn, /:function:resize-[0-9a-f]{8}:live$/);
});

test('oversized event gets RequestEntityTooLargeException', async () => {
  const event = { photoId: 'x'.repeat(1_048_576) };

  // Asynchronous invocations take at most 1 MB of payload (Lambda Invoke API reference). The message is Lambda's, with the size and the limit.
  await assert.rejects(fn('resize').invokeAsync(event), {
    name: 'RequestEntityTooLargeException',
    message: '1048590 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
  });
});
