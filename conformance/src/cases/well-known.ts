/** Node metadata (http-api.md §2) and the suite's own preconditions (conformance.md). */
import { keyIdOf, schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson } from '../expect.ts';

export const wellKnownCases: Case[] = defineCases([
  {
    id: 'core-wk-metadata',
    requirements: ['REQ-API-001'],
    level: 'MUST',
    profile: 'core',
    title: 'GET /.well-known/kyodaku answers 200 with WellKnown JSON and spec_version "0.1"',
    async run(ctx) {
      const res = await ctx.http.get('/.well-known/kyodaku');
      const wk = expectJson(res, 200, schemas.WellKnown, 'GET /.well-known/kyodaku');
      equal(wk.spec_version, '0.1', 'spec_version');
    },
  },
  {
    id: 'core-wk-profiles',
    requirements: ['REQ-API-002'],
    level: 'MUST',
    profile: 'core',
    title: 'profiles lists core',
    async run(ctx) {
      check(
        ctx.suite.wellKnown.profiles.includes('core'),
        `profiles ${JSON.stringify(ctx.suite.wellKnown.profiles)} lacks "core"`,
      );
    },
  },
  {
    id: 'core-wk-node-id',
    requirements: ['REQ-API-003'],
    level: 'MUST',
    profile: 'core',
    title: 'node.id is the RFC 7638 thumbprint of node.key',
    async run(ctx) {
      const { node } = ctx.suite.wellKnown;
      equal(node.id, await keyIdOf(node.key), 'node.id');
    },
  },
  {
    id: 'core-wk-admin-public-key',
    requirements: ['REQ-API-004'],
    level: 'MUST',
    profile: 'core',
    title: 'admin_public_key is published, and admin_key is its RFC 7638 thumbprint',
    async run(ctx) {
      const wk = ctx.suite.wellKnown;
      check(wk.admin_public_key !== undefined, 'the metadata has no admin_public_key');
      equal(await keyIdOf(wk.admin_public_key), wk.admin_key, 'thumbprint of admin_public_key vs admin_key');
    },
  },
  {
    id: 'core-wk-limits',
    requirements: ['REQ-QUERY-010', 'REQ-SIG-009'],
    level: 'MUST',
    profile: 'core',
    title: 'limits: max_jws_bytes 65,535, max_batch_ids at least 10,000, max_batch_purposes at least 16',
    async run(ctx) {
      const { limits } = ctx.suite.wellKnown;
      equal(limits.max_jws_bytes, 65_535, 'limits.max_jws_bytes');
      check(limits.max_batch_ids >= 10_000, `limits.max_batch_ids ${limits.max_batch_ids} < 10,000`);
      check(limits.max_batch_purposes >= 16, `limits.max_batch_purposes ${limits.max_batch_purposes} < 16`);
      check(limits.max_page_size >= 1, `limits.max_page_size ${limits.max_page_size} < 1`);
    },
  },
  {
    id: 'core-conf-admin-key',
    requirements: ['REQ-CONF-001'],
    level: 'MUST',
    profile: 'core',
    title: 'the admin key given to the suite is the one the node publishes, and attests a fresh party',
    async run(ctx) {
      equal(ctx.admin.kid, ctx.suite.wellKnown.admin_key, 'thumbprint of the given admin key vs admin_key');
      await ctx.party('rights-holder');
    },
  },
  {
    id: 'core-conf-clock',
    requirements: ['REQ-CONF-002', 'REQ-QUERY-003'],
    level: 'MUST',
    profile: 'core',
    title: "a decision without `at` is made at the node's current time, within 60 s of the suite's clock",
    async run(ctx) {
      const before = Date.now();
      const d = await ctx.decision(ctx.workId(), 'train.genai');
      const at = Date.parse(d.at);
      check(
        at >= before - 60_000 && at <= Date.now() + 60_000,
        `at ${d.at} is not within 60 s of the suite's clock (${new Date(before).toISOString()})`,
      );
    },
  },
]);
