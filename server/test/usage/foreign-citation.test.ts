/**
 * Citations of followed records (spec/usage.md REQ-USAGE-010, REQ-USAGE-012, REQ-USAGE-025): a
 * mirror accepts a declaration citing a record it follows only with the record's origin, names that
 * origin in the label, and revokes the label when the origin revokes the record. An origin node and a
 * mirror, real processes.
 */
import { schemas, signObject, toTimestamp, type UsageItem } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import { eventually, type RemoteNode, remoteNode } from '../federation/federation-helpers.ts';

const ORIGIN = 'origin.test/kyodaku';

describe('usage: citations of followed records', () => {
  let servers: ServerProcess[] = [];
  let origin: RemoteNode;
  let mirror: RemoteNode;

  beforeAll(async () => {
    servers = await Promise.all([
      startServer({ env: { KYODAKU_ORIGIN: ORIGIN } }),
      startServer({ env: { KYODAKU_ORIGIN: 'mirror.test/kyodaku', KYODAKU_FOLLOW_POLL_MS: '100' } }),
    ]);
    origin = await remoteNode(servers[0]!);
    mirror = await remoteNode(servers[1]!);
    expect((await mirror.follow({ url: origin.url, nodeKey: origin.nodeKey })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const declare = async (
    node: RemoteNode,
    work: string,
    record: string,
    origins?: Record<string, string>,
  ) => {
    // biome-ignore lint/suspicious/noExplicitAny: the helper's role type names the holders' roles
    const dev = await node.party('ai-developer' as any);
    const item: UsageItem = {
      ids: [work],
      purpose: 'tdm',
      records: [record],
      ...(origins && { origins }),
    };
    const declaration = await signObject(
      'usage-declaration',
      {
        kind: 'usage-declaration',
        v: 1,
        iss: dev.id,
        subject: { type: 'service', name: 'Mirror chat', version: '1' },
        period: { from: toTimestamp(Date.now() - 86_400_000), until: toTimestamp(Date.now() + 86_400_000) },
        items: [item],
        issued_at: toTimestamp(Date.now() - 1000),
      },
      dev.signer,
    );
    return node.post('/v1/usage', declaration.jws);
  };

  it('REQ-USAGE-025: a followed record is cited with its origin; without it, or with another, it is foreign; the label names the origin and ends when the origin revokes the record', async () => {
    const holder = await origin.party();
    const work = 'isbn:9784088725093';
    // Published at the origin by the helper.
    const record = await holder.record({ ids: [work], purposes: { all: 'allow' } });
    await eventually(async () => {
      const d = await mirror.get<{ decision: string }>(`/v1/decision?id=${work}&purpose=tdm`);
      return d.decision === 'allow' ? d : undefined;
    }, 'the mirror to decide from the followed record');

    for (const origins of [undefined, { [record.id]: 'elsewhere.test/kyodaku' }]) {
      const refused = await declare(mirror, work, record.id, origins);
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { citations: unknown[] }).citations).toEqual([
        { item: 0, record: record.id, reason: 'foreign' },
      ]);
    }
    // At the origin the record is its own: no origin needed, or its own origin.
    expect((await declare(origin, work, record.id)).status).toBe(201);
    expect((await declare(origin, work, record.id, { [record.id]: ORIGIN })).status).toBe(201);

    const accepted = await declare(mirror, work, record.id, { [record.id]: ORIGIN });
    expect(accepted.status).toBe(201);
    const view = schemas.DeclarationView.parse(await accepted.json());
    const label = () => mirror.get<schemas.LabelView>(`/v1/labels/${view.label}`);
    expect((await label()).label.scope).toEqual({
      purposes: ['tdm'],
      items: 1,
      records: 1,
      origins: [ORIGIN],
    });

    await holder.revoke(record.id);
    const revoked = await eventually(async () => {
      const l = await label();
      return l.status === 'revoked' ? l : undefined;
    }, "the mirror to revoke the label once the origin's revocation is followed");
    expect(revoked.revocation).toBeDefined();
  }, 60_000);

  it("REQ-USAGE-024, REQ-USAGE-025: the origin's revocation of the holder's attestation revokes the mirror's label, reason unattested", async () => {
    const holder = await origin.party();
    const work = 'isbn:9784063842760';
    const record = await holder.record({ ids: [work], purposes: { all: 'allow' } });
    await eventually(async () => {
      const d = await mirror.get<{ decision: string }>(`/v1/decision?id=${work}&purpose=tdm`);
      return d.decision === 'allow' ? d : undefined;
    }, 'the mirror to decide from the followed record');
    const accepted = await declare(mirror, work, record.id, { [record.id]: ORIGIN });
    expect(accepted.status).toBe(201);
    const view = schemas.DeclarationView.parse(await accepted.json());
    const { attestations } = await origin.get<schemas.PartyView>(`/v1/parties/${holder.id}`);
    const revoke = await origin.adminRequest({
      action: 'revoke-attestation',
      attestation: attestations[0]!.id,
    });
    expect((await origin.post('/v1/attestations/revocations', revoke)).status).toBe(201);
    const revoked = await eventually(async () => {
      const l = await mirror.get<schemas.LabelView>(`/v1/labels/${view.label}`);
      return l.status === 'revoked' ? l : undefined;
    }, "the mirror to revoke the label once the origin's attestation revocation is followed");
    const payload = JSON.parse(Buffer.from(revoked.revocation!.split('.')[1]!, 'base64url').toString());
    expect([payload.record, payload.reason]).toEqual([record.id, 'unattested']);
  }, 60_000);
});
