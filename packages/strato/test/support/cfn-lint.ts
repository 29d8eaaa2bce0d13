import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Runs cfn-lint on every template of a cloud assembly and fails the test with
 * its findings. `.ci/run` installs cfn-lint with pip.
 */
export function assertCfnLintClean(cdkOut: string): void {
  const templates = readdirSync(cdkOut).filter((file) => file.endsWith('.template.json')).map((file) => path.join(cdkOut, file));
  assert.ok(templates.length > 0, `no templates in ${cdkOut}`);

  // E2533: cfn-lint's runtime dates predate AWS's extension of Node.js 20 support, which aws-cdk-lib 2.278 records
  // (creation allowed until 2027-07-29). W3005: the CDK adds DependsOn entries that a GetAtt already implies.
  const result = spawnSync('cfn-lint', ['--ignore-checks', 'E2533', 'W3005', '--', ...templates], { encoding: 'utf8' });
  assert.ok(!result.error, `cfn-lint did not run (${result.error?.message}); install it with pip install cfn-lint, as .ci/run does`);
  assert.equal(result.status, 0, result.stdout + result.stderr);
}
