/**
 * The `crawler-identity` profile (spec/crawler-identity.md): queries signed in the Web Bot Auth
 * profile. The suite is the crawler: it signs with fresh keys, serves their key directory on
 * loopback (cases that need it are SKIPPED against a node on another host), registers an
 * ai-developer party for a registered key, and checks that receipts name it and that every bad
 * signature is a 401 problem.
 */
import { type CrawlerSigner, crawlerSignatureHeaders, schemas, verifyReceipt } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context, TestKey } from '../context.ts';
import { type SuiteKeyDirectory, serveKeyDirectory } from '../crawler-directory.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import { CaseFailure } from '../outcome.ts';

const SIGNATURE = 'invalid-crawler-signature';
const UNKNOWN = 'unknown-crawler-key';

/** A decision query with a receipt, as a path. */
function decisionQuery(ctx: Context, nonce: string): string {
  return `/v1/decision?id=${encodeURIComponent(ctx.workId('crawler'))}&purpose=train.genai&receipt=1&nonce=${nonce}`;
}

/** Sends a GET (or a POST of JSON) signed by `crawler`, `tamper` changing the signature fields first. */
async function signed(
  ctx: Context,
  crawler: CrawlerSigner,
  path: string,
  options: { json?: unknown; now?: number; tamper?: (h: Record<string, string>) => void } = {},
): Promise<HttpResponse> {
  const method = options.json === undefined ? 'GET' : 'POST';
  const url = ctx.http.baseUrl.replace(/\/+$/, '') + path;
  const headers = await crawlerSignatureHeaders(crawler, { method, url }, options.now);
  options.tamper?.(headers);
  if (options.json === undefined) return ctx.http.get(path, headers);
  return ctx.http.request('POST', path, {
    body: JSON.stringify(options.json),
    contentType: 'application/json',
    headers,
  });
}

/** A key directory served by the suite; SKIPPED when the node cannot reach the suite's loopback. */
async function withDirectory<T>(
  ctx: Context,
  listed: Array<{ key: TestKey; sign: boolean }>,
  run: (directory: SuiteKeyDirectory) => Promise<T>,
): Promise<T> {
  const host = new URL(ctx.http.baseUrl).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(host)) {
    ctx.skip(
      'the node is not on the suite host, so it cannot fetch the key directory the suite serves on loopback',
    );
  }
  const directory = await serveKeyDirectory(listed);
  try {
    return await run(directory);
  } finally {
    await directory.close();
  }
}

async function receiptOf(ctx: Context, res: HttpResponse, nonce: string) {
  const body = expectJson(res, 200, schemas.Decision.passthrough(), 'a signed decision with a receipt') as {
    receipt?: unknown;
  };
  check(typeof body.receipt === 'string', 'the answer has no receipt');
  return (await verifyReceipt(body.receipt, ctx.suite.wellKnown.node.key, { nonce })).payload;
}

export const crawlerIdentityCases: Case[] = defineCases([
  {
    id: 'crawler-identity-unsigned-unchanged',
    requirements: ['REQ-CRAWLER-002', 'REQ-API-002'],
    level: 'MUST',
    profile: 'crawler-identity',
    title:
      'the metadata lists crawler-identity; an unsigned query is answered and its receipt names no crawler',
    async run(ctx) {
      check(ctx.suite.wellKnown.profiles.includes('crawler-identity'), 'profiles lacks "crawler-identity"');
      const nonce = ctx.nonce();
      const receipt = await receiptOf(ctx, await ctx.http.get(decisionQuery(ctx, nonce)), nonce);
      equal(receipt.crawler, undefined, 'the receipt of an unsigned query: crawler');
    },
  },
  {
    id: 'crawler-identity-directory-receipt',
    requirements: ['REQ-CRAWLER-001', 'REQ-CRAWLER-006', 'REQ-CRAWLER-008'],
    level: 'MUST',
    profile: 'crawler-identity',
    title: 'a query signed by a key of a key directory gets a receipt naming the key and the directory',
    async run(ctx) {
      const key = await ctx.newKey();
      await withDirectory(ctx, [{ key, sign: true }], async (directory) => {
        const crawler = { signer: key.signer, agent: directory.origin };
        const nonce = ctx.nonce();
        const receipt = await receiptOf(ctx, await signed(ctx, crawler, decisionQuery(ctx, nonce)), nonce);
        equal(
          receipt.crawler,
          { keyid: key.kid, agent: `${directory.origin}/.well-known/http-message-signatures-directory` },
          'the receipt of a signed query: crawler',
        );
        const batch = await signed(ctx, crawler, '/v1/decisions', {
          json: { ids: [ctx.workId('crawler')], purposes: ['train'], receipt: { nonce } },
        });
        const body = expectJson(
          batch,
          200,
          schemas.BatchDecisionResponse.passthrough(),
          'a signed batch',
        ) as {
          receipt?: unknown;
        };
        check(typeof body.receipt === 'string', 'the batch answer has no receipt');
        const batchReceipt = await verifyReceipt(body.receipt, ctx.suite.wellKnown.node.key, { nonce });
        equal(batchReceipt.payload.crawler?.keyid, key.kid, 'the batch receipt: crawler.keyid');
      });
    },
  },
  {
    id: 'crawler-identity-directory-cached',
    requirements: ['REQ-CRAWLER-009'],
    level: 'SHOULD',
    profile: 'crawler-identity',
    title: 'signed queries naming one Signature-Agent cost one fetch of its key directory',
    async run(ctx) {
      const key = await ctx.newKey();
      await withDirectory(ctx, [{ key, sign: true }], async (directory) => {
        const crawler = { signer: key.signer, agent: directory.origin };
        for (let i = 0; i < 5; i++) {
          const nonce = ctx.nonce();
          await receiptOf(ctx, await signed(ctx, crawler, decisionQuery(ctx, nonce)), nonce);
        }
        check(
          directory.fetches === 1,
          `5 signed queries naming one agent fetched its key directory ${directory.fetches} times, not once`,
        );
      });
    },
  },
  {
    id: 'crawler-identity-registered-receipt',
    requirements: ['REQ-CRAWLER-001', 'REQ-CRAWLER-007', 'REQ-CRAWLER-008'],
    level: 'MUST',
    profile: 'crawler-identity',
    title:
      'a query signed by a registered ai-developer key, without Signature-Agent, gets a receipt naming the key',
    async run(ctx) {
      const party = await ctx.party('ai-developer', { attest: false });
      const nonce = ctx.nonce();
      const res = await signed(ctx, { signer: party.signer }, decisionQuery(ctx, nonce));
      equal((await receiptOf(ctx, res, nonce)).crawler, { keyid: party.kid }, 'the receipt: crawler');
    },
  },
  {
    id: 'crawler-identity-malformed',
    requirements: ['REQ-CRAWLER-001', 'REQ-CRAWLER-003'],
    refuses: ['REQ-CRAWLER-003'],
    level: 'MUST',
    profile: 'crawler-identity',
    title: 'malformed signature fields are refused 401 invalid-crawler-signature on every query path',
    async run(ctx) {
      const party = await ctx.party('ai-developer', { attest: false });
      const crawler = { signer: party.signer };
      const path = decisionQuery(ctx, ctx.nonce());
      const variants: Array<[string, (h: Record<string, string>) => void]> = [
        ['Signature-Input alone', (h) => delete h.signature],
        ['Signature not a dictionary', (h) => (h.signature = 'sig1=:AAAA')],
        ['a 32-byte signature', (h) => (h.signature = `sig1=:${Buffer.alloc(32).toString('base64')}:`)],
        [
          '@authority not covered',
          (h) => (h['signature-input'] = h['signature-input']!.replace('"@authority"', '"@method"')),
        ],
        [
          'alg rsa-pss-sha512',
          (h) => (h['signature-input'] = h['signature-input']!.replace('"ed25519"', '"rsa-pss-sha512"')),
        ],
        [
          'no web-bot-auth tag',
          (h) => (h['signature-input'] = h['signature-input']!.replace('"web-bot-auth"', '"other"')),
        ],
        ['Signature-Agent not covered', (h) => (h['signature-agent'] = '"https://crawler.example"')],
        ['a 5,000-character Signature-Input', (h) => (h['signature-input'] += `, x=("${'a'.repeat(5000)}")`)],
      ];
      for (const [what, tamper] of variants) {
        const res = await signed(ctx, crawler, path, { tamper });
        try {
          expectProblem(res, SIGNATURE);
        } catch (error) {
          throw new CaseFailure(`${what}: ${(error as Error).message}`);
        }
      }
      const batch = await signed(ctx, crawler, '/v1/decisions', {
        json: { ids: [ctx.workId('crawler')], purposes: ['train'] },
        tamper: (h) => delete h.signature,
      });
      expectProblem(batch, SIGNATURE);
      expectProblem(
        await signed(ctx, crawler, '/v1/snapshot', { tamper: (h) => delete h.signature }),
        SIGNATURE,
      );
      const agentAlone = await ctx.http.get(path, { 'signature-agent': '"https://crawler.example"' });
      expectProblem(agentAlone, SIGNATURE);
    },
  },
  {
    id: 'crawler-identity-out-of-date',
    requirements: ['REQ-CRAWLER-004'],
    refuses: ['REQ-CRAWLER-004'],
    level: 'MUST',
    profile: 'crawler-identity',
    title: 'an expired signature, one created in the future and one living over an hour are refused 401',
    async run(ctx) {
      const party = await ctx.party('ai-developer', { attest: false });
      const path = decisionQuery(ctx, ctx.nonce());
      expectProblem(
        await signed(ctx, { signer: party.signer }, path, { now: Date.now() - 600_000 }),
        SIGNATURE,
      );
      expectProblem(
        await signed(ctx, { signer: party.signer }, path, { now: Date.now() + 600_000 }),
        SIGNATURE,
      );
      expectProblem(await signed(ctx, { signer: party.signer, lifetimeSeconds: 7200 }, path), SIGNATURE);
    },
  },
  {
    id: 'crawler-identity-does-not-verify',
    requirements: ['REQ-CRAWLER-005'],
    refuses: ['REQ-CRAWLER-005'],
    level: 'MUST',
    profile: 'crawler-identity',
    title: 'a signature by another key, for another authority or with flipped bytes is refused 401',
    async run(ctx) {
      const party = await ctx.party('ai-developer', { attest: false });
      const other = await ctx.newKey();
      const path = decisionQuery(ctx, ctx.nonce());
      const underParty = (h: Record<string, string>) => {
        h['signature-input'] = h['signature-input']!.replace(other.kid, party.kid);
      };
      expectProblem(await signed(ctx, { signer: other.signer }, path, { tamper: underParty }), SIGNATURE);
      const elsewhere = await crawlerSignatureHeaders(
        { signer: party.signer },
        { method: 'GET', url: `https://another-node.example${path}` },
      );
      expectProblem(await ctx.http.get(path, elsewhere), SIGNATURE);
      const flip = (h: Record<string, string>) => {
        h.signature = h.signature!.replace(/:(.)/, (_, c: string) => `:${c === 'A' ? 'B' : 'A'}`);
      };
      expectProblem(await signed(ctx, { signer: party.signer }, path, { tamper: flip }), SIGNATURE);
    },
  },
  {
    id: 'crawler-identity-directory-key-unknown',
    requirements: ['REQ-CRAWLER-006'],
    refuses: ['REQ-CRAWLER-006'],
    level: 'MUST',
    profile: 'crawler-identity',
    title:
      'a key the directory does not list or does not sign, and a Signature-Agent that is not https, are refused 401',
    async run(ctx) {
      const listed = await ctx.newKey();
      const unsigned = await ctx.newKey();
      const stranger = await ctx.newKey();
      const path = decisionQuery(ctx, ctx.nonce());
      await withDirectory(
        ctx,
        [
          { key: listed, sign: true },
          { key: unsigned, sign: false },
        ],
        async (directory) => {
          expectProblem(
            await signed(ctx, { signer: stranger.signer, agent: directory.origin }, path),
            UNKNOWN,
          );
          expectProblem(
            await signed(ctx, { signer: unsigned.signer, agent: directory.origin }, path),
            UNKNOWN,
          );
        },
      );
      expectProblem(
        await signed(ctx, { signer: listed.signer, agent: 'http://crawler.example' }, path),
        SIGNATURE,
      );
    },
  },
  {
    id: 'crawler-identity-registered-key-unknown',
    requirements: ['REQ-CRAWLER-007'],
    refuses: ['REQ-CRAWLER-007'],
    level: 'MUST',
    profile: 'crawler-identity',
    title:
      'without Signature-Agent, a key that is no registered ai-developer party is refused 401 unknown-crawler-key',
    async run(ctx) {
      const path = decisionQuery(ctx, ctx.nonce());
      const fresh = await ctx.newKey();
      expectProblem(await signed(ctx, { signer: fresh.signer }, path), UNKNOWN);
      const holder = await ctx.party('rights-holder', { attest: false });
      expectProblem(await signed(ctx, { signer: holder.signer }, path), UNKNOWN);
    },
  },
]);
