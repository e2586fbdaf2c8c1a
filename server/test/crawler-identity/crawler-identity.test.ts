/**
 * Crawler identity through HTTP (spec/crawler-identity.md): a node on a loopback port, crawler keys
 * in a key directory served by a loopback server or registered as ai-developer parties, real
 * Web Bot Auth signatures; receipts name the crawler; bad signatures are 401 problems, never 500.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  crawlerSignatureHeaders,
  generateKeyPair,
  importSigner,
  KyodakuNode,
  type Signer,
  verifyReceipt,
} from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KeyDirectoryServer,
  keyDirectoryServer,
} from '../../../client/test/helpers/key-directory-server.ts';
import { makeNode, type TestNode } from '../helpers.ts';

let t: TestNode;
let server: ReturnType<typeof serve>;
let url: string;
let directory: KeyDirectoryServer;
let crawler: { signer: Signer; kid: string };
let stranger: Awaited<ReturnType<typeof freshKey>>;
let registered: { signer: Signer; kid: string };

async function freshKey() {
  const keys = await generateKeyPair();
  return { signer: await importSigner(keys.privateJwk), kid: keys.kid, publicJwk: keys.publicJwk };
}

beforeAll(async () => {
  t = await makeNode();
  server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const c = await freshKey();
  crawler = c;
  stranger = await freshKey();
  directory = await keyDirectoryServer([{ publicJwk: c.publicJwk, signer: c.signer }]);
  const party = await t.party('ai-developer', false);
  registered = { signer: party.signer, kid: party.id };
  const holder = await t.party();
  expect(
    (
      await t.postJws(
        '/v1/records',
        (
          await holder.record({ ids: ['isbn:9784088725093'], purposes: { all: 'allow' } })
        ).jws,
      )
    ).status,
  ).toBe(201);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await directory.close();
  t.close();
});

const NONCE = 'crawler-identity-nonce-0001';

async function signedGet(path: string, headers: Record<string, string>) {
  const response = await fetch(`${url}${path}`, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function headersFor(
  signer: Signer,
  options: { agent?: string; now?: number; lifetime?: number; path?: string } = {},
) {
  return crawlerSignatureHeaders(
    {
      signer,
      ...(options.agent !== undefined && { agent: options.agent }),
      ...(options.lifetime !== undefined && { lifetimeSeconds: options.lifetime }),
    },
    { method: 'GET', url: `${url}${options.path ?? '/v1/decision'}` },
    options.now,
  );
}

const DECISION = `/v1/decision?id=isbn:9784088725093&purpose=train.genai&receipt=1&nonce=${NONCE}`;

describe('Signed queries and receipts', () => {
  it('Should answer an unsigned query as before, with a receipt that names no crawler', async () => {
    const answer = await signedGet(DECISION, {});
    expect(answer.status).toBe(200);
    const receipt = await verifyReceipt(answer.body.receipt as string, t.node.node.publicJwk);
    expect(receipt.payload.crawler).toBeUndefined();
  });

  it('Should name the crawler and its key directory in the receipt of a signed decision', async () => {
    const answer = await signedGet(DECISION, await headersFor(crawler.signer, { agent: directory.origin }));
    expect(answer.status).toBe(200);
    expect(answer.body.decision).toBe('allow');
    const receipt = await verifyReceipt(answer.body.receipt as string, t.node.node.publicJwk);
    expect(receipt.payload.crawler).toEqual({
      keyid: crawler.kid,
      agent: `${directory.origin}/.well-known/http-message-signatures-directory`,
    });
  });

  it('Should name the crawler in batch and prompt-check receipts (SDK crawler option)', async () => {
    const sdk = new KyodakuNode(url, { crawler: { signer: crawler.signer, agent: directory.origin } });
    const batch = await sdk.decideBatch({
      ids: ['isbn:9784088725093', 'url:https://x.example/'],
      purposes: ['train.genai'],
      nonce: NONCE,
    });
    expect((await verifyReceipt(batch.receipt as string, t.node.node.publicJwk)).payload.crawler?.keyid).toBe(
      crawler.kid,
    );
    const prompt = await sdk.promptCheck({
      text: 'a picture of nothing in particular',
      purposes: ['generate'],
      nonce: NONCE,
    });
    expect((await verifyReceipt(prompt.receipt!, t.node.node.publicJwk)).payload.crawler?.keyid).toBe(
      crawler.kid,
    );
  });

  it('Should fetch a key directory once for many signed queries (cached)', async () => {
    const sdk = new KyodakuNode(url, { crawler: { signer: crawler.signer, agent: directory.origin } });
    for (let i = 0; i < 5; i++) await sdk.decide({ ids: 'isbn:9784088725093', purpose: 'train.genai' });
    expect(directory.fetches()).toBe(1);
  });

  it('Should know a crawler registered as an ai-developer party without a key directory', async () => {
    const answer = await signedGet(DECISION, await headersFor(registered.signer));
    expect(answer.status).toBe(200);
    const receipt = await verifyReceipt(answer.body.receipt as string, t.node.node.publicJwk);
    expect(receipt.payload.crawler).toEqual({ keyid: registered.kid });
  });
});

describe('Refused signatures: 401 problems, never 500', () => {
  const refused = async (headers: Record<string, string>, type: string, path = DECISION) => {
    const answer = await signedGet(path, headers);
    expect(answer.status).toBe(401);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body.type).toBe(`urn:kyodaku:problem:${type}`);
  };

  it('Should refuse a key that is neither registered nor in a directory', async () => {
    await refused(await headersFor(stranger.signer), 'unknown-crawler-key');
  });

  it('Should refuse a key the named directory does not list', async () => {
    await refused(await headersFor(stranger.signer, { agent: directory.origin }), 'unknown-crawler-key');
  });

  it('Should refuse a signature by another key under the listed keyid', async () => {
    const headers = await headersFor(stranger.signer, { agent: directory.origin });
    headers['signature-input'] = headers['signature-input']!.replace(stranger.kid, crawler.kid);
    await refused(headers, 'invalid-crawler-signature');
  });

  it('Should refuse an expired signature and one created in the future', async () => {
    await refused(
      await headersFor(crawler.signer, { agent: directory.origin, now: Date.now() - 600_000 }),
      'invalid-crawler-signature',
    );
    await refused(
      await headersFor(crawler.signer, { agent: directory.origin, now: Date.now() + 600_000 }),
      'invalid-crawler-signature',
    );
  });

  it('Should refuse a signature that lives longer than an hour', async () => {
    await refused(
      await headersFor(crawler.signer, { agent: directory.origin, lifetime: 7200 }),
      'invalid-crawler-signature',
    );
  });

  it('Should refuse a signature that does not cover @authority', async () => {
    const headers = await headersFor(crawler.signer, { agent: directory.origin });
    headers['signature-input'] = headers['signature-input']!.replace('"@authority" ', '');
    await refused(headers, 'invalid-crawler-signature');
  });

  it('Should refuse a signature made for another authority', async () => {
    const headers = await crawlerSignatureHeaders(
      { signer: crawler.signer, agent: directory.origin },
      { method: 'GET', url: 'https://another-node.example/v1/decision' },
    );
    await refused(headers, 'invalid-crawler-signature');
  });

  it('Should refuse a Signature-Agent changed after signing, or not covered', async () => {
    const other = await keyDirectoryServer([{ publicJwk: stranger.publicJwk }]);
    const headers = await headersFor(crawler.signer, { agent: directory.origin });
    // The changed agent's directory is asked for the key first: it does not hold it.
    await refused({ ...headers, 'signature-agent': JSON.stringify(other.origin) }, 'unknown-crawler-key');
    const bare = await headersFor(crawler.signer);
    await refused(
      { ...bare, 'signature-agent': JSON.stringify(directory.origin) },
      'invalid-crawler-signature',
    );
    await other.close();
  });

  it('Should refuse tampered, malformed and huge signature fields', async () => {
    const headers = await headersFor(crawler.signer, { agent: directory.origin });
    const flipped = headers.signature!.replace(
      /:([A-Za-z0-9+/])/,
      (_, c: string) => `:${c === 'A' ? 'B' : 'A'}`,
    );
    await refused({ ...headers, signature: flipped }, 'invalid-crawler-signature');
    await refused({ ...headers, signature: 'sig1=:AAAA:' }, 'invalid-crawler-signature');
    await refused({ ...headers, 'signature-input': 'sig1=("@authority"' }, 'invalid-crawler-signature');
    await refused({ 'signature-input': headers['signature-input']! }, 'invalid-crawler-signature');
    await refused(
      { ...headers, 'signature-input': `${headers['signature-input']}, x="${'a'.repeat(5000)}"` },
      'invalid-crawler-signature',
    );
    await refused(
      { ...headers, 'signature-input': headers['signature-input']!.replace('"web-bot-auth"', '"other"') },
      'invalid-crawler-signature',
    );
    const twice = `${headers['signature-input']}, ${headers['signature-input']!.replace('sig1=', 'sig2=')}`;
    await refused(
      {
        ...headers,
        'signature-input': twice,
        signature: `${headers.signature}, ${headers.signature!.replace('sig1=', 'sig2=')}`,
      },
      'invalid-crawler-signature',
    );
  });

  it('Should refuse a Signature-Agent that is not https or loopback http, or has a path', async () => {
    for (const agent of [
      'http://crawler.example',
      'ftp://127.0.0.1',
      `${directory.origin}/keys.json`,
      'not a url',
    ]) {
      await refused(await headersFor(crawler.signer, { agent }), 'invalid-crawler-signature');
    }
  });

  it('Should refuse when the directory is down, not signed by the key, oversized or of another type', async () => {
    const unsigned = await keyDirectoryServer([{ publicJwk: (await freshKey()).publicJwk }]);
    const huge = await keyDirectoryServer([{ publicJwk: (await freshKey()).publicJwk }], {
      padBytes: 70_000,
    });
    const wrongType = await keyDirectoryServer([], { contentType: 'application/json' });
    const failing = await keyDirectoryServer([], { status: 500 });
    for (const d of [unsigned, huge, wrongType, failing]) {
      await refused(await headersFor(crawler.signer, { agent: d.origin }), 'unknown-crawler-key');
      await d.close();
    }
    await refused(await headersFor(crawler.signer, { agent: 'http://127.0.0.1:1' }), 'unknown-crawler-key');
  });

  it('Should refuse bad signatures on batch decisions, prompt checks and snapshots too', async () => {
    for (const path of ['/v1/snapshot', `/v1/snapshot/filters/${'0'.repeat(64)}`]) {
      await refused(await headersFor(stranger.signer, { path }), 'unknown-crawler-key', path);
    }
    const post = await fetch(`${url}/v1/decisions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(await headersFor(stranger.signer, { path: '/v1/decisions' })),
      },
      body: JSON.stringify({ ids: ['isbn:9784088725093'], purposes: ['train'] }),
    });
    expect(post.status).toBe(401);
    const prompt = await fetch(`${url}/v1/prompt-checks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(await headersFor(stranger.signer, { path: '/v1/prompt-checks' })),
      },
      body: JSON.stringify({ text: 'a cat', purposes: ['generate'] }),
    });
    expect(prompt.status).toBe(401);
  });

  it('Should leave other paths alone: signature fields on a record lookup are not read', async () => {
    const answer = await fetch(`${url}/.well-known/kyodaku`, { headers: { 'signature-input': 'garbage' } });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { profiles: string[] }).profiles).toContain('crawler-identity');
  });

  it('Should describe the signature fields and the 401 of the query paths in /openapi.json', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters: Array<{ name: string }>; responses: object }>>;
    };
    for (const [path, method] of [
      ['/v1/decision', 'get'],
      ['/v1/decisions', 'post'],
      ['/v1/snapshot', 'get'],
    ] as const) {
      const operation = doc.paths[path]![method]!;
      expect(operation.parameters.map((p) => p.name)).toContain('Signature-Input');
      expect(operation.responses).toHaveProperty('401');
    }
  });
});
