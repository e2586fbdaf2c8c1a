/**
 * Snapshot deltas through HTTP (spec/snapshot.md §7): a client holding a snapshot gets a signed delta
 * from it to the current one, and the base with the delta applied answers as the current snapshot
 * (a newly allowed identifier and pattern positive, a revoked one negative); unknown, current or
 * malformed bases are clear problems; a tampered delta file, a delta from another base and one to
 * another manifest are refused by the client.
 */
import {
  type DeltaInput,
  type LogVerificationError,
  loadSnapshotWithDelta,
  parseVerifierKey,
  type SnapshotInput,
  schemas,
  snapshotIdOf,
  toTimestamp,
  verifyDeltaFile,
  verifySnapshotDelta,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');
let clock = T0;
let t: TestNode;
beforeEach(async () => {
  clock = T0;
  t = await makeNode({ now: () => clock });
});
afterEach(() => t.close());

async function keys() {
  const wellKnown = schemas.WellKnown.parse(await (await t.get('/.well-known/kyodaku')).json());
  return { nodeKey: wellKnown.node.key, verifier: parseVerifierKey(wellKnown.log!.verifier_key) };
}

const bytesOf = async (path: string) => {
  const response = await t.get(path);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toContain('immutable');
  return new Uint8Array(await response.arrayBuffer());
};

async function manifest(): Promise<SnapshotInput> {
  const response = await t.get('/v1/snapshot');
  expect(response.status).toBe(200);
  return (await response.json()) as SnapshotInput;
}

async function deltaFrom(base: SnapshotInput): Promise<DeltaInput> {
  const response = await t.get(`/v1/snapshot/delta?from=${snapshotIdOf(base.snapshot)}`);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-cache');
  return (await response.json()) as DeltaInput;
}

describe('GET /v1/snapshot/delta', () => {
  it('REQ-SNAP-011, REQ-SNAP-012, REQ-SNAP-013, REQ-SNAP-016: the base with the delta applied answers as the current snapshot', async () => {
    const p = await t.party();
    const kept = await p.record({ ids: ['isbn:9784088725093'], purposes: { 'train.genai': 'allow' } });
    const revoked = await p.record({ ids: ['isbn:9784063842760'], purposes: { train: 'allow' } });
    for (const r of [kept, revoked]) expect((await t.postJws('/v1/records', r.jws)).status).toBe(201);
    clock += 1000;
    const base = await manifest();
    const added = await p.record({ ids: ['doi:10.1000/182'], purposes: { train: 'allow', tdm: 'allow' } });
    const pattern = await p.record({
      ids: ['url:https://photos.example/open/*'],
      purposes: { search: 'allow' },
    });
    for (const r of [added, pattern]) expect((await t.postJws('/v1/records', r.jws)).status).toBe(201);
    expect((await t.postJws('/v1/revocations', (await p.revocation(revoked.id)).jws)).status).toBe(201);
    clock += 2000;
    const input = await deltaFrom(base);
    expect(input.snapshot).toBe((await manifest()).snapshot);
    const { snapshot, base: baseManifest } = await loadSnapshotWithDelta(
      base,
      input,
      await keys(),
      (ref) => bytesOf(ref.url),
      (delta) => bytesOf(delta.url),
      toTimestamp(clock),
    );
    expect(baseManifest.issued_at < snapshot.manifest.issued_at).toBe(true);
    expect(snapshot.mayAllow(['isbn:9784088725093'], 'train.genai')).toBe(true);
    expect(snapshot.mayAllow(['doi:10.1000/182'], 'train.genai')).toBe(true);
    expect(snapshot.mayAllow(['doi:10.1000/182'], 'tdm')).toBe(true);
    expect(snapshot.mayAllow(['doi:10.1000/182'], 'search')).toBe(false);
    expect(snapshot.mayAllow(['isbn:9784063842760'], 'train.genai')).toBe(false);
    expect(snapshot.mayAllow(['url:https://photos.example/open/a.jpg'], 'search')).toBe(true);
    const { delta } = await verifySnapshotDelta(
      input,
      base.snapshot,
      (await keys()).nodeKey,
      (await keys()).verifier,
    );
    const train = delta.groups.find((g) => g.group === 'train')!;
    expect([train.added, train.removed]).toEqual([1, 1]);
    expect(delta.groups.find((g) => g.group === 'search')!.patterns_added).toBe(1);
    // The same base asked again gets the same delta.
    expect((await deltaFrom(base)).delta).toBe(input.delta);
  });

  it('REQ-SNAP-012: a delta from an older base still leads to the current snapshot', async () => {
    const p = await t.party();
    const first = await manifest();
    const a = await p.record({ ids: ['isbn:9784088725093'], purposes: { train: 'allow' } });
    expect((await t.postJws('/v1/records', a.jws)).status).toBe(201);
    clock += 2000;
    const second = await manifest();
    const b = await p.record({ ids: ['isbn:9784063842760'], purposes: { train: 'allow' } });
    expect((await t.postJws('/v1/records', b.jws)).status).toBe(201);
    clock += 2000;
    const fromFirst = await deltaFrom(first);
    const fromSecond = await deltaFrom(second);
    expect(fromFirst.snapshot).toBe(fromSecond.snapshot);
    const { snapshot } = await loadSnapshotWithDelta(
      first,
      fromFirst,
      await keys(),
      (ref) => bytesOf(ref.url),
      (delta) => bytesOf(delta.url),
      toTimestamp(clock),
    );
    expect(snapshot.mayAllow(['isbn:9784088725093'], 'train')).toBe(true);
    expect(snapshot.mayAllow(['isbn:9784063842760'], 'train')).toBe(true);
  });

  it('REQ-SNAP-015: an unknown base and the current snapshot are 404 not-found; a malformed one 400', async () => {
    const current = await manifest();
    for (const from of ['0'.repeat(64), snapshotIdOf(current.snapshot)]) {
      const response = await t.get(`/v1/snapshot/delta?from=${from}`);
      expect(response.status).toBe(404);
      const problem = (await response.json()) as { type: string; detail: string };
      expect(problem.type).toBe(P('not-found'));
      expect(problem.detail).toContain('GET /v1/snapshot');
    }
    for (const query of ['', '?from=xyz', `?from=${'A'.repeat(64)}`]) {
      const response = await t.get(`/v1/snapshot/delta${query}`);
      expect(response.status).toBe(400);
      expect(await problemType(response)).toBe(P('invalid-request'));
    }
    expect((await t.get(`/v1/snapshot/deltas/${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('REQ-SNAP-013, REQ-SNAP-014: a tampered delta file, another base or another manifest is refused', async () => {
    const p = await t.party();
    const base = await manifest();
    const a = await p.record({ ids: ['isbn:9784088725093'], purposes: { train: 'allow' } });
    expect((await t.postJws('/v1/records', a.jws)).status).toBe(201);
    clock += 2000;
    const input = await deltaFrom(base);
    const { nodeKey, verifier } = await keys();
    const { delta } = await verifySnapshotDelta(input, base.snapshot, nodeKey, verifier);
    const file = await bytesOf(delta.url);
    const tampered = new Uint8Array(file);
    tampered[tampered.length - 1]! ^= 1;
    const refused = expect.objectContaining({ code: 'ERR_SNAPSHOT_INVALID' }) as LogVerificationError;
    expect(() => verifyDeltaFile(delta, tampered)).toThrowError(refused);
    expect(verifyDeltaFile(delta, file)[1]!.added.length).toBe(1);
    // A delta that does not start at the snapshot held, or does not end at the manifest returned.
    await expect(verifySnapshotDelta(input, input.snapshot, nodeKey, verifier)).rejects.toThrowError(refused);
    await expect(
      verifySnapshotDelta(
        { ...input, snapshot: base.snapshot, checkpoint: base.checkpoint },
        base.snapshot,
        nodeKey,
        verifier,
      ),
    ).rejects.toThrowError(refused);
  });
});
