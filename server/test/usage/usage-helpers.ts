/** A holder with records and an AI developer that declares usage, on a test node. */
import {
  manifestOf,
  signObject,
  toTimestamp,
  type UsageDeclaration,
  type UsageItem,
  usageBodyOf,
} from '@kyodaku/client';
import type { TestNode } from '../helpers.ts';

export const SUBJECT = { type: 'model', name: 'Hoshi Diffusion', version: '2.1' } as const;

export async function developer(t: TestNode) {
  const p = await t.party('ai-developer');
  const now = t.node.now();
  const declaration = (fields: Partial<UsageDeclaration> = {}) =>
    signObject(
      'usage-declaration',
      {
        kind: 'usage-declaration',
        v: 1,
        iss: p.id,
        subject: SUBJECT,
        period: { from: toTimestamp(now - 86_400_000), until: toTimestamp(now + 30 * 86_400_000) },
        issued_at: toTimestamp(now - 1000),
        ...fields,
      },
      p.signer,
    );
  return {
    ...p,
    declaration,
    /** Publishes a declaration with inline items. */
    async declare(items: UsageItem[], fields: Partial<UsageDeclaration> = {}) {
      return t.postJws('/v1/usage', (await declaration({ items, ...fields })).jws);
    },
    /** Publishes a declaration whose items are in a manifest. */
    async declareManifest(items: UsageItem[], fields: Partial<UsageDeclaration> = {}) {
      const manifest = await manifestOf(items);
      const signed = await declaration({ manifest: manifest.ref, ...fields });
      return t.postJws('/v1/usage', usageBodyOf(signed.jws, manifest), 'application/x-ndjson');
    },
  };
}

/** A rights holder with one published record; returns the party and the record's id. */
export async function holderWithRecord(
  t: TestNode,
  purposes: Record<string, 'allow' | 'deny' | 'conditional'>,
  ids: string[],
  conditions?: Record<string, unknown>,
) {
  const holder = await t.party();
  const record = await holder.record({
    ids,
    // biome-ignore lint/suspicious/noExplicitAny: test input
    purposes: purposes as any,
    // biome-ignore lint/suspicious/noExplicitAny: test input
    ...(conditions !== undefined && { conditions: conditions as any }),
  });
  const response = await t.postJws('/v1/records', record.jws);
  if (response.status !== 201) throw new Error(`record refused: ${await response.text()}`);
  return { holder, record };
}
