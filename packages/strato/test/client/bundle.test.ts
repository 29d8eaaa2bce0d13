import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import * as esbuild from 'esbuild';

import { FIXTURE_ROOT } from './app-fixture.ts';

test('bundled client loads the AWS SDK lazily', async () => {
  // Functions are bundled with the AWS SDK left out, as Lambda's Node.js runtime provides it.
  const result = await esbuild.build({
    entryPoints: [path.join(FIXTURE_ROOT, 'handlers/table-get.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@aws-sdk/*'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;

  // A static import would load the SDK in every local execution environment at start.
  assert.doesNotMatch(code, /^import .* from "@aws-sdk\//m);
  assert.match(code, /import\("@aws-sdk\/client-s3"\)/);
});
