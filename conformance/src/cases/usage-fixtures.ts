/** What the cases of the `usage` profile share: declarations, holders with a record, checks. */
import { schemas, signObject, type UsageDeclaration, type UsageItem } from '@kyodaku/client';
import type { Context, TestParty } from '../context.ts';
import { equal, expectJson } from '../expect.ts';

export const NDJSON = 'application/x-ndjson';

/** A declaration by `declarant` over `items` (or a manifest), for a period around now. */
export function declaration(ctx: Context, declarant: TestParty, fields: Partial<UsageDeclaration>) {
  return signObject(
    'usage-declaration',
    {
      kind: 'usage-declaration',
      v: 1,
      iss: declarant.kid,
      subject: { type: 'model', name: `conformance ${ctx.suite.runId}`, version: '1' },
      period: { from: ctx.time(-86_400), until: ctx.time(30 * 86_400) },
      issued_at: ctx.time(-60),
      ...fields,
    },
    declarant.signer,
  );
}

/** A holder with one record on a fresh work, published: `purposes` and `conditions` as given. */
export async function holderRecord(
  ctx: Context,
  purposes: Record<string, 'allow' | 'deny' | 'conditional'>,
  conditions?: schemas.Conditions,
) {
  const holder = await ctx.party();
  const work = ctx.workId('usage');
  const record = await ctx.publishRecord(holder, {
    work: { type: 'work', ids: [work] },
    // biome-ignore lint/suspicious/noExplicitAny: a purpose map built by the case
    purposes: purposes as any,
    ...(conditions !== undefined && { conditions }),
  });
  return { holder, work, record };
}

/** Publishes inline items; returns the response. */
export async function declare(
  ctx: Context,
  declarant: TestParty,
  items: UsageItem[],
  fields: Partial<UsageDeclaration> = {},
) {
  return ctx.post('/v1/usage', (await declaration(ctx, declarant, { items, ...fields })).jws);
}

/** Asserts that a declarant's declarations are exactly `count` (nothing stored by a refusal). */
export async function expectDeclarations(ctx: Context, declarant: string, count: number) {
  const res = await ctx.http.get(`/v1/usage?declarant=${declarant}`);
  const list = expectJson(res, 200, schemas.DeclarationList, 'GET /v1/usage?declarant=');
  equal(list.declarations.length, count, 'declarations stored for the declarant (REQ-USAGE-012)');
}
