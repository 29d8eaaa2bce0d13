/**
 * Route selection, as API Gateway documents it for HTTP APIs: a full match of
 * path and method first, then path variables, then greedy variables, then
 * `$default`. `ANY` matches only the methods a path does not define.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { RouteTable } from '../../src/local/gateway/index.ts';
import type { AppModel, RouteModel } from '../../src/model/index.ts';
import { fixtureApp, startTestGateway, type TestGateway } from './fixtures/start-gateway.ts';
import { send } from './fixtures/send.ts';

const app = fixtureApp({
  'GET /pets/dog/1': 'echo',
  'GET /pets/dog/{id}': 'echo',
  'GET /pets/{proxy+}': 'echo',
  'ANY /{proxy+}': 'echo',
  'ANY /toys': 'echo',
  'POST /toys': 'echo',
  'GET /toys/{id}/parts/{part}': 'echo',
  'GET /': 'echo',
});

function routeKeyFor(table: RouteTable, method: string, path: string): string | undefined {
  return table.match(method, path)?.routeKey;
}

test('full match beats path variable and greedy', () => {
  const table = new RouteTable(app.routes, app.functions);

  assert.equal(routeKeyFor(table, 'GET', '/pets/dog/1'), 'GET /pets/dog/1');
  assert.equal(routeKeyFor(table, 'GET', '/pets/dog/2'), 'GET /pets/dog/{id}');
  assert.equal(routeKeyFor(table, 'GET', '/pets/cat/1'), 'GET /pets/{proxy+}');
  assert.equal(routeKeyFor(table, 'GET', '/pets/dog/1/toys'), 'GET /pets/{proxy+}');
  assert.equal(routeKeyFor(table, 'POST', '/pets/dog/1'), 'ANY /{proxy+}');
  assert.equal(routeKeyFor(table, 'GET', '/'), 'GET /');
});

test('explicit method beats ANY on a path', () => {
  const table = new RouteTable(app.routes, app.functions);

  assert.equal(routeKeyFor(table, 'POST', '/toys'), 'POST /toys');
  assert.equal(routeKeyFor(table, 'DELETE', '/toys'), 'ANY /toys');
});

test('path parameters are captured', () => {
  const table = new RouteTable(app.routes, app.functions);

  assert.deepEqual(table.match('GET', '/toys/7/parts/wheel')?.pathParameters, { id: '7', part: 'wheel' });
  assert.deepEqual(table.match('GET', '/pets/cat/1/whiskers')?.pathParameters, { proxy: 'cat/1/whiskers' });
  assert.equal(table.match('GET', '/pets/dog/1')?.pathParameters, undefined);
});

test('greedy variable needs one segment', () => {
  const table = new RouteTable(app.routes, app.functions);

  // `/pets` itself is not a child resource of `/pets/{proxy+}`; the root greedy route takes it.
  assert.equal(routeKeyFor(table, 'GET', '/pets'), 'ANY /{proxy+}');
});

test('no match without $default', () => {
  const table = new RouteTable(fixtureApp({ 'GET /a/{id}': 'echo' }).routes, app.functions);

  assert.equal(table.match('GET', '/a'), undefined);
  assert.equal(table.match('GET', '/a/1/2'), undefined);
  assert.equal(table.match('POST', '/a/1'), undefined);
  assert.equal(table.match('GET', '/a/'), undefined);
});

test('$default catches unmatched requests', () => {
  const echo = app.functions.find((fn) => fn.id === 'api.echo')!;
  const routes: RouteModel[] = [
    { routeKey: 'GET /a', method: 'GET', path: '/a', service: 'api', functionId: echo.id },
    { routeKey: '$default', method: 'ANY', path: '/', service: 'api', functionId: echo.id },
  ];
  const table = new RouteTable(routes, (app as AppModel).functions);

  assert.equal(routeKeyFor(table, 'GET', '/a'), 'GET /a');
  assert.equal(routeKeyFor(table, 'PATCH', '/anything/else'), '$default');
  assert.equal(table.match('PATCH', '/anything/else')?.pathParameters, undefined);
});

let api: TestGateway;
before(async () => {
  api = await startTestGateway(fixtureApp({ 'GET /pets/{id}': 'echo', 'GET /pets/{proxy+}': 'echo' }));
});
after(() => api.gateway.close());

test('unknown route returns 404 Not Found', async () => {
  const response = await send(api.url, { path: '/nothing/here' });

  // Body from apigw-error-responses.json, http_api.no_matching_route.
  assert.equal(response.status, 404);
  assert.deepEqual(response.json(), { message: 'Not Found' });
  assert.equal(response.headers['content-type'], 'application/json');
  assert.match(String(response.headers['apigw-requestid']), /^[A-Za-z0-9+/]{15}=$/);
});

test('event carries the matched route key', async () => {
  const single = (await send(api.url, { path: '/pets/7' })).json() as Record<string, any>;
  const many = (await send(api.url, { path: '/pets/7/toys/ball' })).json() as Record<string, any>;

  assert.equal(single.routeKey, 'GET /pets/{id}');
  assert.equal(single.requestContext.routeKey, 'GET /pets/{id}');
  assert.deepEqual(single.pathParameters, { id: '7' });
  assert.equal(many.routeKey, 'GET /pets/{proxy+}');
  assert.deepEqual(many.pathParameters, { proxy: '7/toys/ball' });
});
