/** CORS for browsers (http-api.md §12): any origin reads the API, without credentials. */
import { type Case, defineCases } from '../case.ts';
import { check, equal } from '../expect.ts';
import type { HttpResponse } from '../http.ts';

const ORIGIN = 'https://third-party.example';

function allowsAnyOrigin(res: HttpResponse, what: string): void {
  equal(res.headers.get('access-control-allow-origin'), '*', `${what}: Access-Control-Allow-Origin`);
  check(
    res.headers.get('access-control-allow-credentials') !== 'true',
    `${what}: Access-Control-Allow-Credentials is true`,
  );
}

const listed = (header: string | null, name: string) =>
  (header ?? '')
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .includes(name.toLowerCase());

export const corsCases: Case[] = defineCases([
  {
    id: 'core-cors-any-origin',
    requirements: ['REQ-API-100'],
    level: 'MUST',
    profile: 'core',
    title:
      'answers with Origin carry Access-Control-Allow-Origin: *, errors too, and expose Location and Retry-After',
    async run(ctx) {
      const headers = { origin: ORIGIN };
      const wk = await ctx.http.request('GET', '/.well-known/kyodaku', { headers });
      allowsAnyOrigin(wk, 'GET /.well-known/kyodaku');
      for (const name of ['location', 'retry-after']) {
        check(
          listed(wk.headers.get('access-control-expose-headers'), name),
          `Access-Control-Expose-Headers "${wk.headers.get('access-control-expose-headers')}" lacks ${name}`,
        );
      }
      const decision = await ctx.http.request('GET', '/v1/decision?id=isbn:9784088725093&purpose=train', {
        headers,
      });
      allowsAnyOrigin(decision, 'GET /v1/decision');
      const missing = await ctx.http.request('GET', `/v1/records/${'0'.repeat(64)}`, { headers });
      equal(missing.status, 404, 'GET of an unknown record');
      allowsAnyOrigin(missing, 'a 404 problem');
    },
  },
  {
    id: 'core-cors-preflight',
    requirements: ['REQ-API-101'],
    level: 'MUST',
    profile: 'core',
    title: 'a preflight for a JSON POST or a GET is answered 2xx with the method and content-type allowed',
    async run(ctx) {
      for (const [path, method] of [
        ['/v1/decisions', 'POST'],
        ['/v1/records', 'POST'],
        ['/v1/decision', 'GET'],
      ] as const) {
        const res = await ctx.http.request('OPTIONS', path, {
          headers: {
            origin: ORIGIN,
            'access-control-request-method': method,
            'access-control-request-headers': 'content-type',
          },
        });
        const what = `preflight of ${method} ${path}`;
        check(res.status >= 200 && res.status < 300, `${what}: status ${res.status}`);
        allowsAnyOrigin(res, what);
        check(
          listed(res.headers.get('access-control-allow-methods'), method),
          `${what}: ${method} not allowed`,
        );
        check(
          listed(res.headers.get('access-control-allow-headers'), 'content-type'),
          `${what}: content-type not allowed`,
        );
      }
    },
  },
]);
