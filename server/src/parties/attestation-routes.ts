/** Attestations: the admin attests a party key and revokes attestations (spec/http-api.md §3.4). */
import {
  createAttestation,
  createAttestationRevocation,
  KyodakuError,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { Hono } from 'hono';
import { verifyAdminRequest } from '../http/admin-auth.ts';
import { jwsBodyLimit, readJws } from '../http/body.ts';
import type { NodeContext } from '../node-context.ts';
import { payloadOf } from '../objects/views.ts';
import { attestationRowOf } from './attestation-store.ts';
import { attestationRevocationView, attestationView } from './views.ts';

export function attestationRoutes(node: NodeContext) {
  async function view(id: string) {
    const row = await node.attestations.attestationRow(id);
    const obj = row && (await node.objects.objectById(id));
    if (row === undefined || obj === undefined)
      throw new KyodakuError('ERR_NOT_FOUND', 'no such attestation');
    return attestationView(row, obj);
  }

  return new Hono()
    .post('/v1/attestations', jwsBodyLimit, async (c) => {
      const request = await verifyAdminRequest(node, await readJws(c), 'attest');
      const partyRow = await node.parties.partyRow(request.payload.party);
      const partyObj = partyRow && (await node.objects.objectById(partyRow.currentId));
      if (partyObj === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'the party is not registered');
      const now = toTimestamp(node.now());
      const attestation = await signObject(
        'attestation',
        await createAttestation({
          node: node.node.kid,
          party: payloadOf(partyObj.jws, 'party'),
          issued_at: now,
          ...(request.payload.role !== undefined && { role: request.payload.role }),
          ...(request.payload.expires_at !== undefined && { expires_at: request.payload.expires_at }),
        }),
        node.node.signer,
      );
      const stored = await node.attestations.putAttestation(request, attestation, now);
      return c.json(attestationView(attestationRowOf(attestation.id, attestation.payload), stored), 201, {
        location: `/v1/attestations/${attestation.id}`,
      });
    })
    .post('/v1/attestations/revocations', jwsBodyLimit, async (c) => {
      const request = await verifyAdminRequest(node, await readJws(c), 'revoke-attestation');
      await node.attestations.revocableAttestation(request.payload.attestation);
      const now = toTimestamp(node.now());
      const revocation = await signObject(
        'attestation-revocation',
        createAttestationRevocation({
          node: node.node.kid,
          attestation: request.payload.attestation,
          issued_at: now,
          ...(request.payload.reason !== undefined && { reason: request.payload.reason }),
        }),
        node.node.signer,
      );
      const stored = await node.attestations.putAttestationRevocation(request, revocation, now);
      return c.json(attestationRevocationView(stored), 201, {
        location: `/v1/attestations/revocations/${revocation.id}`,
      });
    })
    .get('/v1/attestations/revocations/:id', async (c) => {
      const id = c.req.param('id');
      const obj =
        (await node.attestations.attestationRevocationRow(id)) && (await node.objects.objectById(id));
      if (!obj) throw new KyodakuError('ERR_NOT_FOUND', 'no such attestation revocation');
      return c.json(attestationRevocationView(obj));
    })
    .get('/v1/attestations/:id', async (c) => c.json(await view(c.req.param('id'))));
}
