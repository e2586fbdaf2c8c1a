/**
 * Hostile JSON inside signed objects and request bodies (issue 20, items 1 and 2): strings that are
 * not well-formed Unicode (lone surrogates) and JSON nested too deep or too wide. Every one is
 * refused with a 400 problem at every entry point, and nothing is stored.
 */
import {
  canonicalJson,
  createRecord,
  generateKeyPair,
  type Signer,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedParty } from '../../../client/test/helpers/parties.ts';
import { verifyPage } from '../../src/federation/verify-page.ts';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A compact JWS over exactly this header and payload text, signed by `signer` (or all zeros). */
async function rawJws(header: string, payload: string, signer?: Signer): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = signer
    ? new Uint8Array(await crypto.subtle.sign('Ed25519', signer.privateKey, Buffer.from(input, 'ascii')))
    : new Uint8Array(64);
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const headerOf = (kid: string, typ: string) => canonicalJson({ alg: 'Ed25519', kid, typ });
const RECORD = 'kyodaku-record+jws';

/** A record payload of party `p` with `patch` applied, as canonical text (lone surrogates escaped). */
async function recordPayload(p: Awaited<ReturnType<TestNode['party']>>, patch: Record<string, unknown>) {
  const record = await p.record({ ids: ['isbn:9784088725093'] });
  return canonicalJson({ ...record.payload, ...patch });
}

/** Posts a JWS, expects a 400 problem of `slug`, and that the node stored nothing. */
async function refused(path: string, jws: string, slug: string) {
  const before = t.node.objects.size;
  const response = await t.postJws(path, jws);
  expect(response.status).toBe(400);
  expect(await problemType(response)).toBe(P(slug));
  expect(t.node.objects.size).toBe(before);
}

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('lone surrogates in signed objects (REQ-JSON-002)', () => {
  it('refuses a record whose title holds an escaped lone high surrogate', async () => {
    const p = await t.party();
    const payload = await recordPayload(p, {
      work: { type: 'work', ids: ['isbn:9784088725093'], titles: { en: 'a\ud800b' } },
    });
    expect(payload).toContain('"en":"a\\ud800b"');
    await refused(
      '/v1/records',
      await rawJws(headerOf(p.id, RECORD), payload, p.signer),
      'non-canonical-json',
    );
  });

  it('refuses a record whose alias holds an escaped lone low surrogate', async () => {
    const p = await t.party();
    const payload = await recordPayload(p, {
      work: { type: 'work', ids: ['isbn:9784088725093'], aliases: { ja: ['\udc00あ'] } },
    });
    await refused(
      '/v1/records',
      await rawJws(headerOf(p.id, RECORD), payload, p.signer),
      'non-canonical-json',
    );
  });

  it('refuses a record with a lone surrogate in a member name', async () => {
    const p = await t.party();
    const payload = await recordPayload(p, {
      work: { type: 'work', ids: ['isbn:9784088725093'], titles: { 'en\udfff': 'Title' } },
    });
    await refused(
      '/v1/records',
      await rawJws(headerOf(p.id, RECORD), payload, p.signer),
      'non-canonical-json',
    );
  });

  it('refuses a header with a lone surrogate', async () => {
    const p = await t.party();
    const payload = await recordPayload(p, {});
    const header = canonicalJson({ alg: 'Ed25519', kid: p.id, typ: `${RECORD}\ud83d` });
    await refused('/v1/records', await rawJws(header, payload, p.signer), 'non-canonical-json');
  });

  it('refuses a party whose name holds a lone surrogate', async () => {
    const { keys, signer, party } = await signedParty();
    const payload = canonicalJson({ ...party.payload, names: { en: 'Name \ud800' } });
    await refused(
      '/v1/parties',
      await rawJws(headerOf(keys.kid, 'kyodaku-party+jws'), payload, signer),
      'non-canonical-json',
    );
  });

  it('refuses a revocation whose reason holds a lone surrogate', async () => {
    const p = await t.party();
    const record = await p.record();
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    const revocation = await p.revocation(record.id);
    const payload = canonicalJson({ ...revocation.payload, reason: 'gone \udead' });
    await refused(
      '/v1/revocations',
      await rawJws(headerOf(p.id, 'kyodaku-revocation+jws'), payload, p.signer),
      'non-canonical-json',
    );
  });

  it('refuses an admin request whose reason holds a lone surrogate (the node signs nothing from it)', async () => {
    const p = await t.party();
    const request = await t.admin({
      action: 'revoke-attestation',
      attestation: p.attestationId,
      reason: 'x',
    });
    const payload = canonicalJson({ ...request.payload, reason: 'bad \ud800' });
    await refused(
      '/v1/attestations/revocations',
      await rawJws(headerOf(t.adminSigner.kid, 'kyodaku-admin+jws'), payload, t.adminSigner),
      'non-canonical-json',
    );
  });

  it('refuses each bulk entry with a lone surrogate with the problem of its single endpoint', async () => {
    const p = await t.party();
    const good = await p.record({ ids: ['isbn:9784088725093'] });
    const bad = await rawJws(
      headerOf(p.id, RECORD),
      await recordPayload(p, {
        work: { type: 'work', ids: ['isbn:9784088725109'], titles: { en: '\udbff' } },
      }),
      p.signer,
    );
    const before = t.node.objects.size;
    const response = await t.postJson('/v1/publications', { objects: [bad, good.jws] });
    expect(response.status).toBe(200);
    const { results } = schemas.PublicationResponse.parse(await response.json());
    expect(results[0]!.status).toBe(400);
    expect((results[0] as { problem: { type: string } }).problem.type).toBe(P('non-canonical-json'));
    expect(results[1]!.status).toBe(201);
    expect(t.node.objects.size).toBe(before + 1);
  });

  it('accepts paired surrogates (an astral character) in a title', async () => {
    const p = await t.party();
    const payload = await recordPayload(p, {
      work: { type: 'work', ids: ['isbn:9784088725093'], titles: { en: 'Smile 😀' } },
    });
    const response = await t.postJws('/v1/records', await rawJws(headerOf(p.id, RECORD), payload, p.signer));
    expect(response.status).toBe(201);
  });
});

describe('numbers beyond the range of a double (REQ-SIG-005)', () => {
  it.each(['1e400', '-1e400', '[1e309]', '{"a":123e999}'])(
    'refuses a record with the member "x":%s as non-canonical-json, not 500',
    async (value) => {
      const p = await t.party();
      const payload = `${(await recordPayload(p, {})).slice(0, -1)},"x":${value}}`;
      await refused(
        '/v1/records',
        await rawJws(headerOf(p.id, RECORD), payload, p.signer),
        'non-canonical-json',
      );
    },
  );

  it('refuses a header with a number beyond the range of a double as non-canonical-json', async () => {
    const p = await t.party();
    const header = `${headerOf(p.id, RECORD).slice(0, -1)},"x":1e400}`;
    await refused(
      '/v1/records',
      await rawJws(header, await recordPayload(p, {}), p.signer),
      'non-canonical-json',
    );
  });
});

describe('JSON nested too deep or too wide (REQ-JSON-001)', () => {
  it('refuses a 53 KB JWS with a 20,000-deep array in its header and a zero signature with 400, not 500', async () => {
    const jws = await rawJws(`{"alg":${deepArray(20_000)}}`, '{}');
    expect(jws.length).toBeGreaterThan(53_000);
    await refused('/v1/records', jws, 'json-too-complex');
  });

  it('refuses a record whose payload nests 4,000 arrays deep', async () => {
    const p = await t.party();
    const payload = (await recordPayload(p, {})).replace('"v":1', `"v":1,"x":${deepArray(4_000)}`);
    await refused('/v1/records', await rawJws(headerOf(p.id, RECORD), payload, p.signer), 'json-too-complex');
  });

  it('refuses deep objects as well as arrays, on every publishing endpoint', async () => {
    const p = await t.party();
    const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    for (const [path, typ] of [
      ['/v1/parties', 'kyodaku-party+jws'],
      ['/v1/records', RECORD],
      ['/v1/revocations', 'kyodaku-revocation+jws'],
      ['/v1/attestations', 'kyodaku-admin+jws'],
      ['/v1/attestations/revocations', 'kyodaku-admin+jws'],
      ['/v1/peers', 'kyodaku-admin+jws'],
    ] as const) {
      await refused(path, await rawJws(headerOf(p.id, typ), deepObject, p.signer), 'json-too-complex');
    }
  });

  it('accepts 32 levels and refuses 33', async () => {
    const p = await t.party();
    const nest = (depth: number) => `${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}`;
    // The payload object is level 1: 31 more arrays make 32 levels, 32 more make 33.
    const at = (depth: number) =>
      rawJws(
        headerOf(p.id, RECORD),
        canonicalJson({}).replace('{}', `{"kind":"record","x":${nest(depth)}}`),
        p.signer,
      );
    // Within the limit, the payload fails the schema (it has an unknown member), not the limit.
    const ok = await t.postJws('/v1/records', await at(32));
    expect(await problemType(ok)).toBe(P('schema-violation'));
    await refused('/v1/records', await at(33), 'json-too-complex');
  });

  it('refuses an object with more than 1,000 members and an array with more than 1,000 elements', async () => {
    const p = await t.party();
    const record = await recordPayload(p, {});
    const members = Array.from({ length: 1_001 }, (_, i) => `"m${String(i).padStart(4, '0')}":0`).join(',');
    const wideObject = record.replace('"v":1', `"v":1,"x":{${members}}`);
    await refused(
      '/v1/records',
      await rawJws(headerOf(p.id, RECORD), wideObject, p.signer),
      'json-too-complex',
    );
    const wideArray = record.replace('"v":1', `"v":1,"x":[${Array(1_001).fill(0).join(',')}]`);
    await refused(
      '/v1/records',
      await rawJws(headerOf(p.id, RECORD), wideArray, p.signer),
      'json-too-complex',
    );
  });

  it('refuses a bulk entry nested too deep, accepting the others', async () => {
    const p = await t.party();
    const good = await p.record();
    const deep = await rawJws(`{"alg":${deepArray(20_000)}}`, '{}');
    const response = await t.postJson('/v1/publications', { objects: [deep, good.jws] });
    expect(response.status).toBe(200);
    const { results } = schemas.PublicationResponse.parse(await response.json());
    expect((results[0] as { problem: { type: string } }).problem.type).toBe(P('json-too-complex'));
    expect(results[1]!.status).toBe(201);
  });
});

describe('JSON request bodies nested too deep or too wide (REQ-JSON-003)', () => {
  const bodies: Array<[string, string]> = [
    ['a 100,000-deep array', deepArray(100_000)],
    ['ids nested 5,000 deep', `{"ids":[${deepArray(5_000)}],"purposes":["train"]}`],
    [
      'an object with 1,001 members',
      `{${Array.from({ length: 1_001 }, (_, i) => `"m${i}":0`).join(',')},"ids":["isbn:9784088725093"],"purposes":["train"]}`,
    ],
    ['an array of 100,001 elements', `{"objects":[${Array(100_001).fill('""').join(',')}]}`],
  ];
  for (const path of ['/v1/decisions', '/v1/publications']) {
    it.each(bodies)(`refuses on ${path} %s with 400 json-too-complex`, async (_, body) => {
      const before = t.node.objects.size;
      const response = await t.postJson(path, body);
      expect(response.status).toBe(400);
      expect(await problemType(response)).toBe(P('json-too-complex'));
      expect(t.node.objects.size).toBe(before);
    });
  }

  it('refuses a receipt request with a deep body without signing or logging anything', async () => {
    const before = t.node.objects.size;
    const response = await t.postJson(
      '/v1/decisions',
      `{"ids":["isbn:9784088725093"],"purposes":["train"],"receipt":{"nonce":"${'n'.repeat(16)}","x":${deepArray(50)}}}`,
    );
    expect(await problemType(response)).toBe(P('json-too-complex'));
    expect(t.node.objects.size).toBe(before);
  });

  it('still answers a batch of max_batch_ids identifiers', async () => {
    const ids = Array.from({ length: schemas.LIMITS.maxBatchIds }, (_, i) => `url:https://wide.example/${i}`);
    const response = await t.postJson('/v1/decisions', {
      ids,
      purposes: ['train'],
      at: toTimestamp(Date.now()),
    });
    expect(response.status).toBe(200);
  });
});

describe('lone surrogates in JSON request bodies (REQ-JSON-004)', () => {
  it.each([
    [
      'an escaped lone high surrogate in an id',
      '{"ids":["url:https://a.example/\\ud800"],"purposes":["train"]}',
    ],
    [
      'an escaped lone low surrogate in a member name',
      '{"ids":["isbn:9784088725093"],"purposes":["train"],"\\udc00":1}',
    ],
    [
      'a lone surrogate in a receipt request',
      `{"ids":["\\udbff"],"purposes":["train"],"receipt":{"nonce":"${'n'.repeat(16)}"}}`,
    ],
  ])('refuses on /v1/decisions %s with 400 malformed-json, logging nothing', async (_, body) => {
    const before = t.node.objects.size;
    const response = await t.postJson('/v1/decisions', body);
    expect(response.status).toBe(400);
    expect(await problemType(response)).toBe(P('malformed-json'));
    expect(t.node.objects.size).toBe(before);
  });

  it('refuses a bulk publication whose body holds a lone surrogate outside the JWS strings', async () => {
    const p = await t.party();
    const record = await p.record();
    const response = await t.postJson('/v1/publications', `{"objects":["${record.jws}"],"\\ud800":0}`);
    expect(await problemType(response)).toBe(P('malformed-json'));
    expect((await t.get(`/v1/records/${record.id}`)).status).toBe(404);
  });
});

describe('followed pages (spec/federation.md §5)', () => {
  it('refuses followed entries with a lone surrogate or nested too deep, accepting the good one', async () => {
    const { keys, signer } = await signedParty();
    const peerKeys = await generateKeyPair();
    const good = await signObject(
      'record',
      createRecord({
        iss: keys.kid,
        work: { type: 'work', ids: ['isbn:9784088725093'] },
        purposes: { all: 'deny' },
        issued_at: '2026-01-10T00:00:00Z',
      }),
      signer,
    );
    const header = headerOf(keys.kid, RECORD);
    const withTitle = (title: string) =>
      canonicalJson({ ...good.payload, work: { ...good.payload.work, titles: { en: title } } });
    const entries = [
      { index: 0, jws: await rawJws(header, withTitle('\ud800'), signer) },
      { index: 1, jws: await rawJws(header, withTitle('x\udc00'), signer) },
      {
        index: 2,
        jws: await rawJws(
          header,
          canonicalJson(good.payload).replace('"v":1', `"v":1,"x":${deepArray(4_000)}`),
          signer,
        ),
      },
      { index: 3, jws: await rawJws(`{"alg":${deepArray(20_000)},"typ":"${RECORD}"}`, '{}') },
      { index: 4, jws: good.jws },
    ];
    const page = await verifyPage(
      entries,
      { kid: peerKeys.kid, jwk: peerKeys.publicJwk },
      {
        partyKey: (id) => (id === keys.kid ? keys.publicJwk : undefined),
        attestedRole: () => 'rights-holder',
        recordIssuer: () => undefined,
      },
      Date.now(),
    );
    expect(page.refusals.map(({ index, reason }) => ({ index, reason }))).toEqual([
      { index: 0, reason: 'non-canonical-json' },
      { index: 1, reason: 'non-canonical-json' },
      { index: 2, reason: 'json-too-complex' },
      { index: 3, reason: 'json-too-complex' },
    ]);
    expect(page.accepted.map((a) => a.index)).toEqual([4]);
  });
});
