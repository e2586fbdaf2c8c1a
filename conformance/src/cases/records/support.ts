/**
 * What the record cases share: an allow-all record for a fresh work, a signed revocation, and the
 * check that a refused attack changed nothing.
 */
import { type RecordInput, type Signer, signObject } from '@kyodaku/client';
import type { Context, Published, TestParty } from '../../context.ts';
import { equal } from '../../expect.ts';

/** Publishes a record of `party` allowing every purpose (`all`) for a fresh work id; returns both. */
export async function publishAllowAll(
  ctx: Context,
  party: TestParty,
  validity: Pick<Partial<RecordInput>, 'issued_at' | 'valid_from' | 'valid_until'> = {},
): Promise<{ work: string; record: Published }> {
  const work = ctx.workId();
  const record = await ctx.publishRecord(party, {
    work: { type: 'work', ids: [work] },
    purposes: { all: 'allow' },
    ...validity,
  });
  return { work, record };
}

/** A revocation of `record` naming `iss`, signed by `signer` and issued 30 seconds ago (not posted). */
export function signRevocation(ctx: Context, iss: string, record: string, signer: Signer) {
  return signObject(
    'revocation',
    { kind: 'revocation', v: 1, iss, record, issued_at: ctx.time(-30) },
    signer,
  );
}

/** After a refused attack: the attacked record is still current and the decision is still `decision`. */
export async function expectUntouched(
  ctx: Context,
  record: string,
  work: string,
  purpose: string,
  decision: string,
) {
  equal((await ctx.recordView(record)).status, 'current', 'status of the attacked record');
  equal((await ctx.decision(work, purpose)).decision, decision, 'decision');
}
