/**
 * A mirror's snapshot follows newly allowed items promptly (spec/snapshot.md REQ-SNAP-017): after the
 * mirror has served a snapshot, a record published on the origin it follows, and an identifier
 * allowed once a disputing deny is revoked on the origin (a followed revocation adds no record to
 * the mirror's index nor an entry to its own log: such items used to wait for the snapshot's
 * quarter lifetime, 15 minutes), are positive in the mirror's snapshot once the mirror applied them.
 */
import { loadSnapshot, parseVerifierKey, type SnapshotInput, schemas, toTimestamp } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import { eventually, type RemoteNode, remoteNode } from '../federation/federation-helpers.ts';

let servers: ServerProcess[] = [];
let origin: RemoteNode;
let mirror: RemoteNode;

beforeAll(async () => {
  servers = await Promise.all([
    startServer({ env: { KYODAKU_ORIGIN: 'origin.test/kyodaku' } }),
    startServer({ env: { KYODAKU_ORIGIN: 'mirror.test/kyodaku', KYODAKU_FOLLOW_POLL_MS: '100' } }),
  ]);
  [origin, mirror] = (await Promise.all(servers.map(remoteNode))) as [RemoteNode, RemoteNode];
}, 60_000);
afterAll(() => Promise.all(servers.map((s) => s.stop())));

async function mirrorSnapshot() {
  const wellKnown = schemas.WellKnown.parse(await mirror.get('/.well-known/kyodaku'));
  const input = await mirror.get<SnapshotInput>('/v1/snapshot');
  const { snapshot } = await loadSnapshot(
    input,
    { nodeKey: wellKnown.node.key, verifier: parseVerifierKey(wellKnown.log!.verifier_key) },
    async (ref) => new Uint8Array(await (await fetch(`${mirror.url}${ref.url}`)).arrayBuffer()),
    toTimestamp(),
  );
  return snapshot;
}

describe('snapshots on a mirror', () => {
  it('REQ-SNAP-017: a followed record, and a followed revocation of a disputing deny, reach the mirror’s snapshot once applied', async () => {
    const party = await origin.party('rights-holder', 'Mirror Lag Publishing');
    const other = await origin.party('rights-holder', 'Mirror Lag Claimant');
    await party.record({ ids: ['kyodaku:lag/disputed'], purposes: { train: 'allow' } });
    const deny = await other.record({ ids: ['kyodaku:lag/disputed'], purposes: { train: 'deny' } });
    expect((await mirror.follow(origin)).status).toBe(201);
    // The mirror has served a snapshot before the record exists.
    expect((await mirrorSnapshot()).mayAllow(['kyodaku:lag/new'], 'train.genai')).toBe(false);
    await party.record({ ids: ['kyodaku:lag/new'], purposes: { train: 'allow' } });
    await eventually(async () => {
      const answer = await mirror.get<{ decision: string }>(
        '/v1/decision?id=kyodaku:lag/new&purpose=train.genai',
      );
      return answer.decision === 'allow' ? answer : undefined;
    }, 'the mirror to apply the record');
    // The debounced rebuild (or the request itself) makes the next snapshot hold it.
    const snapshot = await eventually(
      async () => {
        const s = await mirrorSnapshot();
        return s.mayAllow(['kyodaku:lag/new'], 'train.genai') ? s : undefined;
      },
      'the mirror snapshot to hold the followed record',
      10_000,
    );
    expect(snapshot.mayAllow(['kyodaku:lag/disputed'], 'train.genai')).toBe(false);
    expect(snapshot.manifest.groups.find((g) => g.group === 'train')!.keys).toBe(1);

    await other.revoke(deny.id);
    await eventually(async () => {
      const answer = await mirror.get<{ decision: string }>(
        '/v1/decision?id=kyodaku:lag/disputed&purpose=train.genai',
      );
      return answer.decision === 'allow' ? answer : undefined;
    }, 'the mirror to apply the revocation');
    await eventually(
      async () => {
        const s = await mirrorSnapshot();
        return s.mayAllow(['kyodaku:lag/disputed'], 'train.genai') ? s : undefined;
      },
      'the mirror snapshot to hold the identifier the revocation allows',
      10_000,
    );
  });
});
