import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';

import { CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';

import { rollback } from '../../src/aws/index.ts';
import { loadApp } from '../../src/model/index.ts';
import { startMoto, type Moto } from '../support/moto.ts';

let moto: Moto;
let lambda: LambdaClient;

before(async () => {
  moto = await startMoto();
  lambda = new LambdaClient(moto.clientConfig);
});
after(async () => {
  lambda?.destroy();
  await moto?.stop();
});

/** A zip archive holding one file, enough for Lambda to accept as code. */
function zipOf(name: string, text: string): Uint8Array {
  const data = Buffer.from(text);
  const compressed = deflateRawSync(data);
  const crc = crc32(data);
  const fileName = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(compressed.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16); central.writeUInt32LE(compressed.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(fileName.length, 28);
  const end = Buffer.alloc(22);
  const centralOffset = local.length + fileName.length + compressed.length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12); end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, fileName, compressed, central, fileName, end]);
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** Creates an IAM role in moto through the IAM query API, because Lambda checks that a function's role exists. */
async function createRole(): Promise<string> {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const body = new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'strato-test', AssumeRolePolicyDocument: policy });
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x' },
  });
  const text = await response.text();
  return /<Arn>([^<]+)<\/Arn>/.exec(text)![1]!;
}

test('rollback moves live alias back', async () => {
  const model = await loadApp(path.join(import.meta.dirname, '../fixtures/full-app'));
  const role = await createRole();
  const functionName = 'full-prod-photos-FunctionuploadDC51AB03-AbCdEf';

  await lambda.send(new CreateFunctionCommand({ FunctionName: functionName, Runtime: 'nodejs20.x', Role: role, Handler: 'index.api', Code: { ZipFile: zipOf('index.mjs', 'export const api = () => 1;') } }));
  const first = await lambda.send(new PublishVersionCommand({ FunctionName: functionName }));
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zipOf('index.mjs', 'export const api = () => 2;') }));
  const second = await lambda.send(new PublishVersionCommand({ FunctionName: functionName }));
  await lambda.send(new CreateAliasCommand({ FunctionName: functionName, Name: 'live', FunctionVersion: second.Version }));

  const results = await rollback(model, { service: 'photos', stage: 'prod', region: 'us-east-1', client: lambda });

  assert.deepEqual(results, [{ functionName, from: second.Version, to: first.Version }]);
  const alias = await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: 'live' }));
  assert.equal(alias.FunctionVersion, first.Version);
});

test('rollback of unknown service fails clearly', async () => {
  const model = await loadApp(path.join(import.meta.dirname, '../fixtures/full-app'));
  await assert.rejects(rollback(model, { service: 'billing', stage: 'prod', region: 'us-east-1', client: lambda }), /Service "billing" is not in the application; use one of photos, activity/);
});
