/**
 * Labels and trust changes (spec/usage.md REQ-USAGE-024): a label ends when a cited record stops
 * counting because its issuer's attestation is revoked or its key is declared compromised.
 */
import { createKeyCompromise, schemas, signKeyChange, signObject, verifyLabel } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context } from '../context.ts';
import { check, equal, expectJson } from '../expect.ts';
import { declare, holderRecord } from './usage-fixtures.ts';

/** A holder's record on a fresh work and a labelled declaration citing it. */
async function labelled(ctx: Context) {
  const { holder, work, record } = await holderRecord(ctx, { all: 'allow' });
  const dev = await ctx.party('ai-developer');
  const declared = expectJson(
    await declare(ctx, dev, [{ ids: [work], purpose: 'tdm', records: [record.id] }]),
    201,
    schemas.DeclarationView,
    'POST /v1/usage',
  );
  check(declared.label !== undefined, 'the declaration has a label');
  return { holder, record, label: declared.label! };
}

/** The label once revoked (the node may revoke it shortly after the change), verified with its revocation. */
async function expectRevoked(ctx: Context, number: string, record: string, reason: string) {
  let view: schemas.LabelView | undefined;
  for (let i = 0; i < 50 && view?.status !== 'revoked'; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    view = expectJson(await ctx.http.get(`/v1/labels/${number}`), 200, schemas.LabelView, 'the label');
  }
  equal(view!.status, 'revoked', 'status after the trust change');
  check(view!.revocation !== undefined, 'the label revocation is served');
  const verdict = await verifyLabel(view!.jws, ctx.suite.wellKnown.node.key, ctx.time(60), view!.revocation);
  equal(verdict.status, 'revoked', 'offline verification with the revocation');
  if (verdict.status === 'revoked') {
    equal([verdict.revocation.record, verdict.revocation.reason], [record, reason], 'record and reason');
  }
}

export const usageTrustCases: Case[] = defineCases([
  {
    id: 'usage-label-revoked-unattested',
    requirements: ['REQ-USAGE-024', 'REQ-USAGE-023'],
    level: 'MUST',
    profile: 'usage',
    title: "revoking the attestation of a cited record's issuer revokes the label (reason unattested)",
    async run(ctx) {
      const { holder, record, label } = await labelled(ctx);
      await ctx.revokeAttestation(holder.attestationId!);
      await expectRevoked(ctx, label, record.id, 'unattested');
    },
  },
  {
    id: 'usage-label-revoked-compromised',
    requirements: ['REQ-USAGE-024', 'REQ-USAGE-023'],
    level: 'MUST',
    profile: 'usage',
    title: 'declaring compromised the key that signed a cited record revokes the label (reason compromised)',
    async run(ctx) {
      const { holder, record, label } = await labelled(ctx);
      const next = await ctx.newKey();
      const change = await signKeyChange({
        iss: holder.kid,
        oldSigner: holder.signer,
        newSigner: next.signer,
        newKey: next.publicJwk,
        issued_at: ctx.time(-10),
      });
      expectJson(await ctx.post('/v1/key-changes', change.jws), 201, schemas.KeyChangeView, 'the key change');
      // Compromised since before the record was logged: it counts at no time (REQ-KEY-007).
      const compromise = await signObject(
        'key-compromise',
        createKeyCompromise({
          iss: holder.kid,
          key: holder.kid,
          compromised_at: ctx.time(-90),
          issued_at: ctx.time(-5),
        }),
        next.signer,
      );
      expectJson(
        await ctx.post('/v1/key-compromises', compromise.jws),
        201,
        schemas.KeyCompromiseView,
        'the key compromise',
      );
      await expectRevoked(ctx, label, record.id, 'compromised');
    },
  },
]);
