/** The log profile of the reference node: entries, checkpoints, proofs, tiles (spec/log.md). */
import {
  leafHash,
  parseVerifierKey,
  rootFromLeafHashes,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifyReceipt,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertMaySign, LogIntegrityError } from '../../src/log/checkpoints.ts';
import { parseTilePath, tileIndexPath } from '../../src/log/routes.ts';
import { openNode } from '../../src/node.ts';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

async function verifier() {
  const wk = (await (await t.get('/.well-known/kyodaku')).json()) as {
    profiles: string[];
    log: { origin: string; verifier_key: string; checkpoint_url: string };
  };
  expect(wk.profiles).toContain('log');
  return { wk, key: parseVerifierKey(wk.log.verifier_key) };
}

async function checkpoint() {
  const { key } = await verifier();
  const response = await t.get('/v1/log/checkpoint');
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return verifyCheckpoint(await response.text(), key);
}

async function entriesFeed(): Promise<string[]> {
  const body = (await (await t.get('/v1/log/entries?limit=1000')).json()) as {
    entries: Array<{ index: number; jws: string }>;
  };
  return body.entries.map((e) => e.jws);
}

describe('log entries and checkpoints', () => {
  it('REQ-LOG-001/003/004: every accepted object is an entry; publishing names its index and leaf hash', async () => {
    const party = await t.party();
    const record = await party.record({ ids: ['isbn:9784088725093'] });
    const response = await t.postJws('/v1/records', record.jws);
    expect(response.status).toBe(201);
    const view = (await response.json()) as { log: { index: number; leaf_hash: string } };
    const entries = await entriesFeed();
    // party, admin request, attestation, record
    expect(entries).toHaveLength(4);
    expect(view.log.index).toBe(3);
    expect(entries[3]).toBe(record.jws);
    expect(view.log.leaf_hash).toBe(Buffer.from(leafHash(ascii(record.jws))).toString('base64'));
    const got = (await (await t.get(`/v1/records/${record.id}`)).json()) as { log: unknown };
    expect(got.log).toEqual(view.log);
  });

  it('REQ-LOG-008/009/012: the checkpoint verifies under the advertised key and is MTH of the entries', async () => {
    const party = await t.party();
    await t.postJws('/v1/records', (await party.record()).jws);
    const { wk } = await verifier();
    const cp = await checkpoint();
    expect(cp.origin).toBe(wk.log.origin);
    const entries = await entriesFeed();
    expect(cp.size).toBe(entries.length);
    expect(Buffer.from(cp.rootHash)).toEqual(
      Buffer.from(rootFromLeafHashes(entries.map((e) => leafHash(ascii(e))))),
    );
  });

  it('REQ-LOG-013: never signs a smaller size nor a second root for a size', () => {
    const a = new Uint8Array(32).fill(1);
    const b = new Uint8Array(32).fill(2);
    expect(() => assertMaySign({ size: 5, root: a }, { size: 4, root: a })).toThrow(LogIntegrityError);
    expect(() => assertMaySign({ size: 5, root: a }, { size: 5, root: b })).toThrow(LogIntegrityError);
    expect(() => assertMaySign({ size: 5, root: a }, { size: 5, root: a })).not.toThrow();
    expect(() => assertMaySign({ size: 5, root: a }, { size: 6, root: b })).not.toThrow();
  });
});

describe('proofs', () => {
  it('REQ-LOG-014/016: inclusion and consistency proofs verify against signed checkpoints', async () => {
    const party = await t.party();
    const first = await checkpoint();
    const published: Array<{ jws: string; index: number }> = [];
    for (let i = 0; i < 5; i++) {
      const record = await party.record({ ids: [`url:https://example.com/log/${i}`] });
      const response = await t.postJws('/v1/records', record.jws);
      expect(response.status).toBe(201);
      published.push({
        jws: record.jws,
        index: ((await response.json()) as { log: { index: number } }).log.index,
      });
    }
    const second = await checkpoint();
    expect(second.size).toBe(first.size + 5);
    for (const { jws, index } of published) {
      const response = await t.get(`/v1/log/proof/inclusion?index=${index}&size=${second.size}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        index: number;
        size: number;
        leaf_hash: string;
        proof: string[];
      };
      expect(body.leaf_hash).toBe(Buffer.from(leafHash(ascii(jws))).toString('base64'));
      expect(
        verifyInclusion(leafHash(ascii(jws)), index, second.size, body.proof.map(b64), second.rootHash),
      ).toBe(true);
    }
    const response = await t.get(`/v1/log/proof/consistency?from=${first.size}&to=${second.size}`);
    const body = (await response.json()) as { proof: string[] };
    expect(
      verifyConsistency(first.size, second.size, body.proof.map(b64), first.rootHash, second.rootHash),
    ).toBe(true);
  });

  it('refuses proofs beyond the latest checkpoint and malformed parameters with invalid-request', async () => {
    const cp = await checkpoint();
    for (const path of [
      `/v1/log/proof/inclusion?index=0&size=${cp.size + 1}`,
      `/v1/log/proof/inclusion?index=${cp.size}&size=${cp.size}`,
      '/v1/log/proof/inclusion?index=-1&size=1',
      '/v1/log/proof/inclusion?index=01&size=1',
      '/v1/log/proof/consistency?from=0&to=1',
      `/v1/log/proof/consistency?from=1&to=${cp.size + 1}`,
      '/v1/log/entries?limit=0',
    ]) {
      const response = await t.get(path);
      expect(response.status, path).toBe(400);
      expect(await problemType(response)).toBe(P('invalid-request'));
    }
  });
});

describe('tiles', () => {
  it('writes and parses tile indexes the tlog-tiles way', () => {
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(parseTilePath('0/x001/x234/067')).toEqual({ level: 0, index: 1234067, width: 256 });
    expect(parseTilePath('entries/000.p/5')).toEqual({ level: 'entries', index: 0, width: 5 });
    for (const bad of [
      '0/1',
      '0/x000/001',
      '00/000',
      '0/000.p/0',
      '0/000.p/256',
      '64/000',
      'entries/000.p/05',
    ]) {
      expect(parseTilePath(bad), bad).toBeUndefined();
    }
  });

  it('serves partial level-0 tiles and entry bundles that agree with the checkpoint', async () => {
    const party = await t.party();
    await t.postJws('/v1/records', (await party.record()).jws);
    const cp = await checkpoint();
    const tile = await t.get(`/v1/log/tile/0/000.p/${cp.size}`);
    expect(tile.status).toBe(200);
    const bytes = new Uint8Array(await tile.arrayBuffer());
    expect(bytes.length).toBe(32 * cp.size);
    const hashes = Array.from({ length: cp.size }, (_, i) => bytes.slice(32 * i, 32 * i + 32));
    expect(Buffer.from(rootFromLeafHashes(hashes))).toEqual(Buffer.from(cp.rootHash));
    const bundle = Buffer.from(await (await t.get(`/v1/log/tile/entries/000.p/${cp.size}`)).arrayBuffer());
    const entries: string[] = [];
    for (let at = 0; at < bundle.length; ) {
      const n = bundle.readUInt16BE(at);
      entries.push(bundle.subarray(at + 2, at + 2 + n).toString('latin1'));
      at += 2 + n;
    }
    expect(entries).toEqual(await entriesFeed());
    expect((await t.get('/v1/log/tile/0/000')).status).toBe(404);
    expect((await t.get(`/v1/log/tile/0/000.p/${cp.size + 1}`)).status).toBe(404);
  });
});

describe('restart', () => {
  it('restores the tree and refuses to start when the stored log does not recompute to the last checkpoint', async () => {
    const party = await t.party();
    await t.postJws('/v1/records', (await party.record()).jws);
    const before = await checkpoint();
    t.node.close();
    const db = t.db;
    const again = await openNode({ db, dataDir: t.dir });
    expect(again.objects.tree.size).toBe(before.size);
    expect(again.log.checkpoints.latest?.note).toBeDefined();
    expect(Buffer.from(again.objects.tree.root())).toEqual(Buffer.from(before.rootHash));
    await again.client.execute({
      sql: 'UPDATE log_hashes SET hash = ? WHERE level = 0 AND idx = 0',
      args: [Buffer.alloc(32)],
    });
    again.close();
    await expect(openNode({ db, dataDir: t.dir })).rejects.toThrow(/does not recompute/);
  });
});

describe('receipts', () => {
  it('REQ-RECEIPT-001..004: a single decision with a receipt names the record by log ref and is appended to the log', async () => {
    const party = await t.party();
    const record = await party.record({
      ids: ['url:https://example.com/receipt'],
      purposes: { all: 'allow' },
    });
    const published = (await (await t.postJws('/v1/records', record.jws)).json()) as {
      log: { index: number; leaf_hash: string };
    };
    const nonce = 'n0nce-0123456789abcdef';
    const response = await t.get(
      `/v1/decision?id=${encodeURIComponent('url:https://example.com/receipt')}&purpose=train.genai&receipt=1&nonce=${nonce}`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      decision: string;
      receipt: string;
      receipt_log: { index: number; leaf_hash: string };
    };
    expect(body.decision).toBe('allow');
    const receipt = await verifyReceipt(body.receipt, t.node.node.publicJwk, {
      nonce,
      query: { ids: ['url:https://example.com/receipt'], purpose: 'train.genai' },
    });
    expect(receipt.payload.results[0]!.refs).toEqual([{ origin: t.node.origin, ...published.log }]);
    const cp = await checkpoint();
    expect(receipt.payload.evaluated_at[0]!.size).toBeLessThanOrEqual(cp.size);
    expect(body.receipt_log.index).toBe(cp.size - 1);
    expect((await entriesFeed())[body.receipt_log.index]).toBe(body.receipt);
    await expect(
      verifyReceipt(body.receipt, t.node.node.publicJwk, { nonce: 'another-nonce-0123456789' }),
    ).rejects.toThrow(/nonce/);
  });

  it('a batch receipt covers every pair; a bad nonce is invalid-request; no receipt without asking', async () => {
    const party = await t.party();
    await t.postJws(
      '/v1/records',
      (await party.record({ ids: ['url:https://example.com/b'], purposes: { all: 'deny' } })).jws,
    );
    const query = {
      ids: ['url:https://example.com/b', 'url:https://example.com/none'],
      purposes: ['train.genai', 'search'],
    };
    const nonce = 'batch-nonce-0123456789';
    const body = (await (await t.postJson('/v1/decisions', { ...query, receipt: { nonce } })).json()) as {
      results: unknown[];
      receipt: string;
    };
    const receipt = await verifyReceipt(body.receipt, t.node.node.publicJwk, { nonce, query });
    expect(receipt.payload.results).toHaveLength(4);
    expect(receipt.payload.results[0]!.refs).toHaveLength(1);
    expect(receipt.payload.results[2]!.refs).toHaveLength(0);
    const bad = await t.postJson('/v1/decisions', { ...query, receipt: { nonce: 'short' } });
    expect(bad.status).toBe(400);
    expect(await problemType(bad)).toBe(P('invalid-request'));
    const plain = (await (await t.postJson('/v1/decisions', query)).json()) as Record<string, unknown>;
    expect(plain.receipt).toBeUndefined();
    const single = await t.get('/v1/decision?id=url:https://example.com/b&purpose=search&receipt=1');
    expect(single.status).toBe(400);
  });
});
