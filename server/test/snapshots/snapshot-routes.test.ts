/**
 * Signed snapshots through HTTP (spec/snapshot.md): the manifest verifies under the node key and is
 * bound to a checkpoint, every filter file matches it, identifiers that records allow are positive
 * in their purpose group, denied and unknown ones negative; a later write gives a new snapshot.
 */
import {
  type LogVerificationError,
  loadSnapshot,
  type OfflineSnapshot,
  parseVerifierKey,
  type SnapshotInput,
  schemas,
  toTimestamp,
  verifyFilterFile,
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

async function pull(): Promise<{ input: SnapshotInput; snapshot: OfflineSnapshot }> {
  const wellKnown = schemas.WellKnown.parse(await (await t.get('/.well-known/kyodaku')).json());
  const response = await t.get('/v1/snapshot');
  expect(response.status).toBe(200);
  const input = (await response.json()) as SnapshotInput;
  const { snapshot } = await loadSnapshot(
    input,
    { nodeKey: wellKnown.node.key, verifier: parseVerifierKey(wellKnown.log!.verifier_key) },
    async (ref) => {
      const file = await t.get(ref.url);
      expect(file.status).toBe(200);
      expect(file.headers.get('cache-control')).toContain('immutable');
      return new Uint8Array(await file.arrayBuffer());
    },
    toTimestamp(clock),
  );
  return { input, snapshot };
}

describe('GET /v1/snapshot', () => {
  it('REQ-SNAP-001: the node lists the snapshot profile', async () => {
    const wellKnown = schemas.WellKnown.parse(await (await t.get('/.well-known/kyodaku')).json());
    expect(wellKnown.profiles).toContain('snapshot');
  });

  it('REQ-SNAP-002, REQ-SNAP-004: allowed identifiers are positive in their group, denied and unknown ones negative', async () => {
    const p = await t.party();
    const allowed = await p.record({ ids: ['isbn:9784088725093'], purposes: { 'train.genai': 'allow' } });
    const denied = await p.record({ ids: ['isbn:9784063842760'], purposes: { all: 'deny' } });
    const conditional = await p.record({
      ids: ['kyodaku:example.com/characters/1'],
      purposes: { 'generate.character': 'conditional' },
      conditions: { attribution: { required: true } },
    });
    const pattern = await p.record({
      ids: ['url:https://photos.example/open/*'],
      purposes: { search: 'allow' },
    });
    for (const r of [allowed, denied, conditional, pattern]) {
      expect((await t.postJws('/v1/records', r.jws)).status).toBe(201);
    }
    clock += 1000;
    const { snapshot } = await pull();
    expect(snapshot.mayAllow(['isbn:9784088725093'], 'train.genai')).toBe(true);
    expect(snapshot.mayAllow(['isbn:9784088725093'], 'train')).toBe(true);
    expect(snapshot.mayAllow(['isbn:9784088725093'], 'tdm')).toBe(false);
    expect(snapshot.mayAllow(['isbn:9784088725093'], 'all')).toBe(false);
    expect(snapshot.mayAllow(['isbn:9784063842760'], 'train.genai')).toBe(false);
    expect(snapshot.mayAllow(['kyodaku:example.com/characters/1'], 'generate.character')).toBe(true);
    expect(snapshot.mayAllow(['url:https://photos.example/open/a.jpg'], 'search')).toBe(true);
    expect(snapshot.mayAllow(['url:https://photos.example/closed/a.jpg'], 'search')).toBe(false);
    expect(snapshot.mayAllow(['url:https://photos.example/open/a.jpg'], 'train.genai')).toBe(false);
    // Several identifiers of one item: positive when one of them is.
    expect(snapshot.mayAllow(['isbn:9784063842760', 'isbn:9784088725093'], 'train.genai')).toBe(true);
    const train = snapshot.manifest.groups.find((g) => g.group === 'train')!;
    expect(train.keys).toBe(1);
    expect(snapshot.manifest.groups.find((g) => g.group === 'search')!.patterns).toBe(1);
  });

  it('REQ-SNAP-003: the manifest names the checkpoint it is bound to; a later write gives a later snapshot', async () => {
    const p = await t.party();
    const first = await pull();
    expect(first.snapshot.mayAllow(['isbn:9784088725093'], 'train.genai')).toBe(false);
    const record = await p.record({ purposes: { train: 'allow' } });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    clock += 2000;
    const second = await pull();
    expect(second.snapshot.mayAllow(['isbn:9784088725093'], 'train.genai')).toBe(true);
    expect(second.snapshot.manifest.evaluated_at[0]!.size).toBeGreaterThan(
      first.snapshot.manifest.evaluated_at[0]!.size,
    );
    // The previous snapshot's files are still served.
    for (const ref of first.snapshot.manifest.groups) expect((await t.get(ref.url)).status).toBe(200);
  });

  it('REQ-SNAP-005: a filter file that differs from the manifest is refused by the client', async () => {
    const { snapshot } = await pull();
    const ref = snapshot.manifest.groups[0]!;
    const bytes = new Uint8Array(await (await t.get(ref.url)).arrayBuffer());
    bytes[40]! ^= 1;
    expect(() => verifyFilterFile(ref, bytes)).toThrowError(
      expect.objectContaining({ code: 'ERR_SNAPSHOT_INVALID' }) as LogVerificationError,
    );
  });

  it('an unknown filter file is 404 not-found', async () => {
    const response = await t.get(`/v1/snapshot/filters/${'0'.repeat(64)}`);
    expect(response.status).toBe(404);
    expect(await problemType(response)).toBe(P('not-found'));
  });
});
