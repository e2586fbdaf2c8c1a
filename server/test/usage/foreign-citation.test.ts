/**
 * A citation of a record the node holds from another node's log is refused as `foreign`
 * (spec/usage.md REQ-USAGE-010, REQ-USAGE-012): an origin node and a mirror, real processes.
 */
import { signObject, toTimestamp } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import { eventually, type RemoteNode, remoteNode } from '../federation/federation-helpers.ts';

describe('usage: citations of followed records', () => {
  let servers: ServerProcess[] = [];
  let origin: RemoteNode;
  let mirror: RemoteNode;

  beforeAll(async () => {
    servers = await Promise.all([
      startServer({ env: { KYODAKU_ORIGIN: 'origin.test/kyodaku' } }),
      startServer({ env: { KYODAKU_ORIGIN: 'mirror.test/kyodaku', KYODAKU_FOLLOW_POLL_MS: '100' } }),
    ]);
    origin = await remoteNode(servers[0]!);
    mirror = await remoteNode(servers[1]!);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("REQ-USAGE-012: a declaration at the mirror citing the origin's record is refused (foreign); at the origin it is accepted", async () => {
    const holder = await origin.party();
    const work = 'isbn:9784088725093';
    // Published at the origin by the helper.
    const record = await holder.record({ ids: [work], purposes: { all: 'allow' } });
    expect((await mirror.follow({ url: origin.url, nodeKey: origin.nodeKey })).status).toBe(201);
    await eventually(async () => {
      const d = await mirror.get<{ decision: string }>(`/v1/decision?id=${work}&purpose=tdm`);
      return d.decision === 'allow' ? d : undefined;
    }, 'the mirror to decide from the followed record');

    const declare = async (node: RemoteNode) => {
      // biome-ignore lint/suspicious/noExplicitAny: the helper's role type names the holders' roles
      const dev = await node.party('ai-developer' as any);
      const declaration = await signObject(
        'usage-declaration',
        {
          kind: 'usage-declaration',
          v: 1,
          iss: dev.id,
          subject: { type: 'service', name: 'Mirror chat', version: '1' },
          period: { from: toTimestamp(Date.now() - 86_400_000), until: toTimestamp(Date.now() + 86_400_000) },
          items: [{ ids: [work], purpose: 'tdm', records: [record.id] }],
          issued_at: toTimestamp(Date.now() - 1000),
        },
        dev.signer,
      );
      return node.post('/v1/usage', declaration.jws);
    };
    const atMirror = await declare(mirror);
    expect(atMirror.status).toBe(422);
    expect(((await atMirror.json()) as { citations: unknown[] }).citations).toEqual([
      { item: 0, record: record.id, reason: 'foreign' },
    ]);
    expect((await declare(origin)).status).toBe(201);
  }, 60_000);
});
