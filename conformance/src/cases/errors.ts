/** Errors, limits and media types (http-api.md §6). */
import { type Case, defineCases } from '../case.ts';
import { check, checkProblemShape, expectProblem } from '../expect.ts';

export const errorCases: Case[] = defineCases([
  {
    id: 'core-err-unknown-path',
    requirements: ['REQ-ERR-004', 'REQ-ERR-001'],
    level: 'MUST',
    profile: 'core',
    title: 'an unknown path is 404 not-found as application/problem+json',
    async run(ctx) {
      expectProblem(await ctx.http.get('/v1/no-such-thing'), 'not-found');
      expectProblem(await ctx.http.get('/v2/records'), 'not-found');
    },
  },
  {
    id: 'core-err-method-not-allowed',
    requirements: ['REQ-ERR-004', 'REQ-ERR-001'],
    level: 'MUST',
    profile: 'core',
    title: 'a known path with an unsupported method is 405 method-not-allowed',
    async run(ctx) {
      expectProblem(await ctx.http.request('DELETE', '/v1/records'), 'method-not-allowed');
      expectProblem(
        await ctx.http.request('PUT', '/.well-known/kyodaku', {
          body: '{}',
          contentType: 'application/json',
        }),
        'method-not-allowed',
      );
      expectProblem(await ctx.http.request('GET', '/v1/decisions'), 'method-not-allowed');
    },
  },
  {
    id: 'core-err-allow-header',
    requirements: ['REQ-ERR-005'],
    level: 'SHOULD',
    profile: 'core',
    title: 'a 405 carries an Allow header listing the methods of the path',
    async run(ctx) {
      const res = await ctx.http.request('DELETE', '/v1/records');
      const allow = res.headers.get('allow');
      check(allow !== null, '405 without an Allow header');
      check(
        /\bPOST\b/.test(allow) && /\bGET\b/.test(allow),
        `Allow "${allow}" does not list GET and POST for /v1/records`,
      );
    },
  },
  {
    id: 'core-err-body-too-large',
    requirements: ['REQ-ERR-003', 'REQ-ERR-006'],
    refuses: ['REQ-ERR-003', 'REQ-ERR-006'],
    level: 'MUST',
    profile: 'core',
    title: 'a JSON body larger than max_body_bytes is refused with 413 payload-too-large',
    async run(ctx) {
      const size = ctx.limits.max_body_bytes + 1;
      const body = `{"ids":["${'a'.repeat(size)}"],"purposes":["train"]}`;
      expectProblem(await ctx.post('/v1/decisions', body, 'application/json'), 'payload-too-large');
    },
  },
  {
    id: 'core-err-jose-body-too-large',
    requirements: ['REQ-ERR-003', 'REQ-ERR-006', 'REQ-SIG-009'],
    refuses: ['REQ-ERR-003', 'REQ-ERR-006', 'REQ-SIG-009'],
    level: 'MUST',
    profile: 'core',
    title:
      'an application/jose body larger than max_jws_bytes is refused with 413 on every publishing endpoint',
    async run(ctx) {
      const body = 'A'.repeat(ctx.limits.max_jws_bytes + 1);
      for (const path of [
        '/v1/parties',
        '/v1/records',
        '/v1/revocations',
        '/v1/attestations',
        '/v1/attestations/revocations',
      ]) {
        expectProblem(await ctx.post(path, body), 'payload-too-large');
      }
    },
  },
  {
    id: 'core-err-media-type-first',
    requirements: ['REQ-ERR-006', 'REQ-API-010'],
    refuses: ['REQ-ERR-006', 'REQ-API-010'],
    level: 'MUST',
    profile: 'core',
    title: 'a publishing endpoint checks the media type before anything else (garbage as text/plain is 415)',
    async run(ctx) {
      for (const path of [
        '/v1/parties',
        '/v1/records',
        '/v1/revocations',
        '/v1/attestations',
        '/v1/attestations/revocations',
      ]) {
        expectProblem(await ctx.post(path, 'not a jws', 'text/plain'), 'unsupported-media-type');
        expectProblem(await ctx.post(path, '{"alg":"none"}', 'application/json'), 'unsupported-media-type');
      }
    },
  },
  {
    id: 'core-err-no-internals',
    requirements: ['REQ-ERR-002', 'REQ-ERR-001'],
    refuses: ['REQ-ERR-002'],
    level: 'MUST',
    profile: 'core',
    title: 'hostile input never gives a 5xx, and problems carry no stack traces or file paths',
    async run(ctx) {
      const attempts: [string, string, string | Uint8Array | undefined, string | undefined][] = [
        ['POST', '/v1/records', '....', 'application/jose'],
        ['POST', '/v1/records', new Uint8Array([0xff, 0xfe, 0x00, 0x80]), 'application/jose'],
        ['POST', '/v1/parties', 'e30.e30.', 'application/jose'],
        ['POST', '/v1/decisions', '{"ids":', 'application/json'],
        ['POST', '/v1/decisions', 'null', 'application/json'],
        ['POST', '/v1/decisions', '{"ids":[null],"purposes":[{}]}', 'application/json'],
        ['POST', '/v1/decisions', new Uint8Array([0x7b, 0xff, 0x7d]), 'application/json'],
        ['GET', '/v1/decision?id=%ZZ&purpose=train', undefined, undefined],
        ['GET', '/v1/decision?id[]=x&purpose[]=y', undefined, undefined],
        ['GET', '/v1/records/..%2F..%2Fetc%2Fpasswd', undefined, undefined],
        ['GET', '/v1/records?issuer=%00', undefined, undefined],
        ['GET', '/v1/works/%E0%A4%A', undefined, undefined],
        ['GET', `/v1/parties/${'x'.repeat(5000)}`, undefined, undefined],
      ];
      for (const [method, path, body, contentType] of attempts) {
        const res = await ctx.http.request(method, path, { body, contentType });
        check(res.status < 500, `${method} ${path}: got ${res.status} (REQ-ERR-002)`);
        check(res.status >= 400, `${method} ${path}: hostile input accepted with ${res.status}`);
        checkProblemShape(res);
        check(
          !/\bat .+:\d+:\d+|node_modules|\/src\/|\.ts\b|\.js:\d/.test(res.text),
          `${method} ${path}: the problem shows internals: ${res.text.slice(0, 200)}`,
        );
      }
    },
  },
]);
