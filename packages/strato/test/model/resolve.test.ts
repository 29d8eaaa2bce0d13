import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { ModelError, resolveApp, type AppConfig } from '../../src/model/index.ts';

const root = path.join(import.meta.dirname, '../fixtures/hello');

function problemsOf(config: AppConfig): string[] {
  try {
    resolveApp(config, root);
  } catch (error) {
    assert.ok(error instanceof ModelError);
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected a ModelError');
}

test('resolves defaults and links', () => {
  const app = resolveApp({
    name: 'demo',
    services: {
      photos: {
        functions: { hello: { handler: 'src/hello.handler', links: ['originals'] } },
        routes: { 'GET /hello/{name}': 'hello' },
        buckets: { originals: {} },
      },
    },
  }, root);

  const fn = app.functions[0]!;
  assert.equal(fn.id, 'photos.hello');
  assert.equal(fn.physicalName, 'demo-photos-hello');
  assert.equal(fn.memoryMB, 128);
  assert.equal(fn.timeoutSeconds, 3);
  assert.equal(fn.handlerFile, path.join(root, 'src/hello.ts'));
  assert.equal(fn.environment.STRATO_BUCKET_ORIGINALS, 'demo-photos-originals');
  assert.equal(app.routes[0]!.functionId, 'photos.hello');
  assert.ok(Object.isFrozen(app.functions));
});

test('reports every problem with its place', () => {
  const problems = problemsOf({
    name: 'demo',
    services: {
      users: { tables: { profiles: { partitionKey: 'id' } } },
      photos: {
        functions: {
          missing: { handler: 'src/nope.handler' },
          stealer: { handler: 'src/hello.handler', links: ['users.profiles'], memory: 64 },
        },
        routes: { 'GET /a/{id}': 'stealer', 'GET /a/{key}': 'stealer', 'FETCH /b': 'stealer', 'GET /c': 'ghost' },
      },
    },
  });

  assert.ok(problems.some((p) => p.startsWith('services.photos.functions.missing.handler: no file src/nope')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('services.photos.functions.stealer.links[0]') && p.includes('belongs to service "users"')));
  assert.ok(problems.some((p) => p.startsWith('services.photos.functions.stealer.memory')));
  assert.ok(problems.some((p) => p.includes('GET /a/{key}') && p.includes('already claimed')));
  assert.ok(problems.some((p) => p.includes('"FETCH" is not an HTTP method')));
  assert.ok(problems.some((p) => p.includes('function "ghost" is not declared')));
});

test('missing handler export is reported', async () => {
  const { loadApp } = await import('../../src/model/index.ts');
  const dir = path.join(import.meta.dirname, '../fixtures/missing-export');
  await assert.rejects(loadApp(dir), (error: unknown) => {
    assert.ok(error instanceof ModelError);
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0]!.path, 'services.web.functions.hello.handler');
    assert.match(error.problems[0]!.message, /handle/);
    return true;
  });
});

test('config that throws names its file', async () => {
  const { loadApp } = await import('../../src/model/index.ts');
  const dir = path.join(import.meta.dirname, '../fixtures/throwing-config');
  await assert.rejects(loadApp(dir), (error: unknown) => {
    assert.ok(error instanceof ModelError);
    assert.match(error.problems[0]!.message, /config exploded/);
    assert.match(error.problems[0]!.message, /throwing-config\/strato\.config\.ts:\d+/);
    return true;
  });
});

test('non-object default export is reported', async () => {
  const { loadApp } = await import('../../src/model/index.ts');
  await assert.rejects(loadApp(path.join(import.meta.dirname, '../fixtures/number-config')), /has a default export of type number.*defineApp/);
});

test('config in a CommonJS package loads', async () => {
  const { loadApp } = await import('../../src/model/index.ts');
  const app = await loadApp(path.join(import.meta.dirname, '../fixtures/commonjs-config'));
  assert.equal(app.name, 'commonjs');
  assert.equal(app.functions[0]!.id, 'api.hello');
});

test('missing application name is named', () => {
  const problems = problemsOf({ services: { web: {} } } as unknown as AppConfig);
  assert.ok(problems.includes('name: the application name is missing.'), problems.join('\n'));
});
