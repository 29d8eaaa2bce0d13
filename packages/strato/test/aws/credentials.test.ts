import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const cli = path.join(import.meta.dirname, '../../src/aws/credentials.ts');

/** Runs requireCredentials in a child process whose environment has no AWS settings and an empty home folder. */
function checkCredentials(extraEnv: Record<string, string>) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'strato-home-'));
  const env = { PATH: process.env.PATH!, HOME: home, AWS_CONFIG_FILE: path.join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'), ...extraEnv };
  const script = `import { requireCredentials } from ${JSON.stringify(cli)};
    try { await requireCredentials(); console.log('ok'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: path.join(import.meta.dirname, '../..') });
}

test('deploy without credentials fails clearly', () => {
  const result = checkCredentials({});
  assert.match(result.stdout, /^MissingCredentialsError: No AWS credentials found/);
  assert.match(result.stdout, /Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
});

test('credentials from the environment are accepted', () => {
  const result = checkCredentials({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
  assert.equal(result.stdout.trim(), 'ok', result.stderr);
});
