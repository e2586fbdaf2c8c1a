/**
 * Property-based tests (fast-check) of every POST route, in-process through app.request(): signed
 * objects and JSON bodies with hostile Unicode (lone surrogates, non-characters), deep and wide
 * JSON and numbers beyond a double. Properties: never 5xx (REQ-ERR-002); a refusal is a problem
 * (REQ-ERR-001) and stores nothing (the log size is unchanged, REQ-API-011); an accepted object's
 * signed bytes are what an independent RFC 8785 canonicaliser makes of them, and so is every object
 * the node signs in answer (attestations, receipts).
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson, generateKeyPair, importSigner, type Signer, toTimestamp } from '@kyodaku/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deepText,
  hostileNumber,
  hostileString,
  nameString,
  type TextForm,
  textAround,
  textForm,
} from '../../../client/test/helpers/hostile-json.ts';
import { isReferenceCanonical, naiveCanonical } from '../../../client/test/helpers/reference-jcs.ts';
import { makeNode, type TestNode } from '../helpers.ts';

const RUNS = { numRuns: 80 };

let t: TestNode;
let party: Awaited<ReturnType<TestNode['party']>>;
let spareAttestation: string;
const published: string[] = [];

beforeAll(async () => {
  t = await makeNode();
  party = await t.party();
  spareAttestation = (await t.party()).attestationId!;
  const records = await Promise.all(
    Array.from({ length: 20 }, (_, i) => party.record({ ids: [`kyodaku:props/revocable/${i}`] })),
  );
  const response = await t.postJson('/v1/publications', { objects: records.map((r) => r.jws) });
  expect(response.status).toBe(200);
  published.push(...records.map((r) => r.id));
});
afterAll(() => t.close());

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
let counter = 0;
const fresh = (label: string) => `kyodaku:props/${label}/${++counter}`;
const nonce = () => randomBytes(12).toString('base64url');

/** Signs the header and payload texts as given, with `signer`, a zero or a random signature. */
async function sign(header: string, payload: string, signer: Signer, how: 'key' | 'zero' | 'random') {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature =
    how === 'key'
      ? new Uint8Array(await crypto.subtle.sign('Ed25519', signer.privateKey, Buffer.from(input, 'ascii')))
      : how === 'zero'
        ? new Uint8Array(64)
        : new Uint8Array(randomBytes(64));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const signing = fc.constantFrom('key', 'key', 'key', 'key', 'zero', 'random') as fc.Arbitrary<
  'key' | 'zero' | 'random'
>;

/** A header text: mostly the right one, else hostile variants of it. */
const headerText = (kid: string, typ: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(canonicalJson({ alg: 'Ed25519', kid, typ })) },
    { weight: 1, arbitrary: textAround(fc.constant({ alg: 'Ed25519', kid, typ })) },
    {
      weight: 1,
      arbitrary: hostileString(4).map((s) => naiveCanonical({ alg: 'Ed25519', kid, typ: typ + s })),
    },
    { weight: 1, arbitrary: deepText.map((d) => `{"alg":${d}}`) },
  );

/** Decodes a compact JWS's header and payload texts. */
function textsOf(jws: string): [string, string] {
  const [h = '', p = ''] = jws.split('.');
  return [Buffer.from(h, 'base64url').toString('utf8'), Buffer.from(p, 'base64url').toString('utf8')];
}

interface Answer {
  status: number;
  body: unknown;
}

/** The common properties of one answer; returns it for route-specific checks. */
async function answerOf(response: Response, sizeBefore: number): Promise<Answer> {
  expect(response.status, 'never 5xx (REQ-ERR-002)').toBeLessThan(500);
  const text = await response.text();
  const body: unknown = JSON.parse(text);
  if (response.status >= 400) {
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((body as { status: number }).status).toBe(response.status);
    expect(t.node.objects.size, 'a refusal stores nothing').toBe(sizeBefore);
  }
  return { status: response.status, body };
}

/** An accepted JWS: its exact header and payload bytes are their independent RFC 8785 form. */
function expectCanonical(jws: string) {
  const [header, payload] = textsOf(jws);
  expect(isReferenceCanonical(header), `header ${header}`).toBe(true);
  expect(isReferenceCanonical(payload), `payload ${payload.slice(0, 200)}`).toBe(true);
}

/** Posts a JWS to a publishing route and checks the properties; returns the answer. */
async function postJws(path: string, jws: string): Promise<Answer> {
  const before = t.node.objects.size;
  const answer = await answerOf(await t.postJws(path, jws), before);
  if (answer.status === 201) {
    expectCanonical(jws);
    expect(t.node.objects.size).toBeGreaterThan(before);
  }
  return answer;
}

/** A record of the test party with hostile names, a fresh work id and a hostile extra member sometimes. */
const recordPayload = fc
  .tuple(nameString, fc.array(nameString, { minLength: 1, maxLength: 2 }), fc.boolean())
  .map(([title, aliases, conditional]) => ({
    kind: 'record',
    v: 1,
    iss: party.id,
    work: { type: 'work', ids: [fresh('record')], titles: { en: title }, aliases: { ja: aliases } },
    purposes: conditional ? { train: 'conditional' } : { all: 'deny' },
    ...(conditional && { conditions: { note: { en: title } } }),
    issued_at: toTimestamp(t.node.now() - 60_000),
    valid_from: toTimestamp(t.node.now() - 60_000),
  }));

describe('POST routes under hostile JSON (properties)', () => {
  it('POST /v1/records', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(headerText(party.id, 'kyodaku-record+jws'), textAround(recordPayload), signing),
        async ([h, p, how]) => {
          const answer = await postJws('/v1/records', await sign(h, p, party.signer, how));
          if (answer.status === 201) accepted++;
        },
      ),
      RUNS,
    );
    expect(accepted, 'some records are accepted (the property is not vacuous)').toBeGreaterThan(0);
  });

  it('POST /v1/parties', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(nameString, nameString, textForm(), signing), async ([en, ja, form, how]) => {
        const keys = await generateKeyPair();
        const signer = await importSigner(keys.privateJwk);
        // Built by hand: the library's builder would refuse the names the schema refuses.
        const payload = {
          contact: { url: 'https://example.com/' },
          issued_at: toTimestamp(t.node.now() - 60_000),
          key: keys.publicJwk,
          kind: 'party',
          names: { en, ja },
          role: 'performer',
          v: 1,
        };
        const header = canonicalJson({ alg: 'Ed25519', kid: keys.kid, typ: 'kyodaku-party+jws' });
        await postJws('/v1/parties', await sign(header, form(payload), signer, how));
      }),
      RUNS,
    );
  });

  it('POST /v1/revocations', async () => {
    const revocation = fc
      .tuple(fc.constantFrom(...published), fc.option(nameString, { nil: undefined }))
      .map(([record, reason]) => ({
        kind: 'revocation',
        v: 1,
        iss: party.id,
        record,
        ...(reason !== undefined && { reason }),
        issued_at: toTimestamp(t.node.now() - 1000),
      }));
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(headerText(party.id, 'kyodaku-revocation+jws'), textAround(revocation), signing),
        async ([h, p, how]) => {
          await postJws('/v1/revocations', await sign(h, p, party.signer, how));
        },
      ),
      RUNS,
    );
  });

  it('POST /v1/attestations, /v1/attestations/revocations and /v1/peers (admin requests)', async () => {
    const admin = t.adminSigner;
    const request = fc.oneof(
      // Two attestations of one party in the same second are one object: the second is 409.
      fc.constant({ action: 'attest', party: party.id }),
      fc
        .tuple(fc.constantFrom(spareAttestation, 'f'.repeat(64)), nameString)
        .map(([attestation, reason]) => ({ action: 'revoke-attestation', attestation, reason })),
      hostileString(20).map((url) => ({ action: 'unfollow', url: `http://127.0.0.1:9/${url}` })),
    );
    const paths: Record<string, string> = {
      attest: '/v1/attestations',
      'revoke-attestation': '/v1/attestations/revocations',
      unfollow: '/v1/peers',
    };
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(headerText(admin.kid, 'kyodaku-admin+jws'), request, textForm(), signing),
        async ([h, body, form, how]) => {
          const payload = {
            kind: 'admin',
            v: 1,
            issued_at: toTimestamp(t.node.now()),
            nonce: nonce(),
            ...body,
          };
          const answer = await postJws(paths[body.action]!, await sign(h, form(payload), admin, how));
          // What the node signs in answer is canonical too.
          if (answer.status === 201) expectCanonical((answer.body as { jws: string }).jws);
        },
      ),
      RUNS,
    );
  });

  it('POST /v1/publications', async () => {
    const entry = fc.tuple(headerText(party.id, 'kyodaku-record+jws'), textAround(recordPayload), signing);
    const bodyForm = fc.oneof(
      { weight: 4, arbitrary: fc.constant<TextForm>((o) => JSON.stringify(o)) },
      { weight: 2, arbitrary: textForm(100_000) },
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 6 }), bodyForm, async (entries, form) => {
        const objects = await Promise.all(entries.map(([h, p, how]) => sign(h, p, party.signer, how)));
        const before = t.node.objects.size;
        const answer = await answerOf(await t.postJson('/v1/publications', form({ objects })), before);
        if (answer.status !== 200) return;
        const { results } = answer.body as { results: Array<{ status: number }> };
        expect(results).toHaveLength(objects.length);
        let created = 0;
        results.forEach((r, i) => {
          expect(r.status).toBeLessThan(500);
          if (r.status === 201) {
            created++;
            expectCanonical(objects[i]!);
          }
        });
        accepted += created;
        expect(t.node.objects.size, 'the log grows by the accepted entries only').toBe(before + created);
      }),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('POST /v1/decisions', async () => {
    const id = fc.oneof(
      fc.constantFrom('isbn:9784088725093', 'url:https://example.com/a', 'kyodaku:props/record/1'),
      nameString,
      hostileString(30).map((s) => `url:https://example.com/${s}`),
    );
    const request = fc
      .tuple(
        fc.array(id, { minLength: 1, maxLength: 5 }),
        fc.subarray(['train', 'all', 'generate.voice', 'search'], { minLength: 1 }),
        fc.boolean(),
        fc.boolean(),
      )
      .map(([ids, purposes, at, receipt]) => ({
        ids,
        purposes,
        ...(at && { at: toTimestamp(t.node.now()) }),
        ...(receipt && { receipt: { nonce: nonce() } }),
      }));
    const body = fc.oneof(
      { weight: 4, arbitrary: request.map((r) => JSON.stringify(r)) },
      { weight: 2, arbitrary: textAround(request as fc.Arbitrary<Record<string, unknown>>, 100_000) },
      {
        weight: 1,
        arbitrary: hostileNumber.map((n) => `{"ids":["isbn:9784088725093"],"purposes":["train"],"at":${n}}`),
      },
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = t.node.objects.size;
        const answer = await answerOf(await t.postJson('/v1/decisions', text), before);
        if (answer.status !== 200) return;
        const receipt = (answer.body as { receipt?: string }).receipt;
        if (receipt === undefined) {
          expect(t.node.objects.size, 'a decision without a receipt logs nothing').toBe(before);
        } else {
          expectCanonical(receipt);
          expect(t.node.objects.size).toBe(before + 1);
        }
      }),
      RUNS,
    );
  });
});
