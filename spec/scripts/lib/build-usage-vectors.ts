/** Vectors of spec/usage.md: declarations (inline and by manifest), labels and their verification. */
import {
  canonicalJson,
  type Label,
  manifestOf,
  problemTypeOf,
  signObject,
  type UsageDeclaration,
  type UsageItem,
  verifyLabel,
} from '@kyodaku/client';
import { sampleObjects } from './build-object-vectors.ts';
import { signRaw } from './hostile-jws.ts';
import type { TestKey, TestKeyName } from './test-keys.ts';
import { vectorFile } from './vector-file.ts';

const T0 = '2026-03-01T00:00:00Z';

export async function buildUsageVectors(keys: Record<TestKeyName, TestKey>) {
  const { record } = await sampleObjects(keys);
  const developer = keys.developer;
  const node = keys.node;
  const items: UsageItem[] = [
    {
      ids: ['kyodaku:seikai/hoshi-no-umi/char/aoi'],
      purpose: 'generate.character',
      records: [record.id],
      uses: 120,
    },
    { ids: ['kyodaku:seikai/hoshi-no-umi/char/aoi'], purpose: 'search', records: [record.id] },
  ];
  const base: UsageDeclaration = {
    kind: 'usage-declaration',
    v: 1,
    iss: developer.kid,
    subject: { type: 'service', name: 'Hoshi Chat', version: '1.0' },
    period: { from: '2026-02-01T00:00:00Z', until: T0 },
    issued_at: T0,
  };
  const inline = await signObject('usage-declaration', { ...base, items }, developer.signer);
  const manifest = await manifestOf(items);
  const byManifest = await signObject(
    'usage-declaration',
    { ...base, manifest: manifest.ref, revenue: { amount: '1000000', currency: 'JPY' } },
    developer.signer,
  );
  const header = canonicalJson({ alg: 'Ed25519', kid: developer.kid, typ: 'kyodaku-usage-declaration+jws' });
  const both = signRaw(developer, header, canonicalJson({ ...base, items, manifest: manifest.ref }));
  const reversed = signRaw(
    developer,
    header,
    canonicalJson({ ...base, items, period: { from: T0, until: '2026-02-01T00:00:00Z' } }),
  );
  const label: Label = {
    kind: 'label',
    v: 1,
    node: node.kid,
    number: '1234',
    declaration: inline.id,
    declarant: developer.kid,
    subject: base.subject,
    scope: { purposes: ['generate.character', 'search'], items: 2, records: 1 },
    valid_from: '2026-03-01T00:00:07Z',
    valid_until: '2026-04-01T00:00:00Z',
    issued_at: '2026-03-01T00:00:07Z',
  };
  const signedLabel = await signObject('label', label, node.signer);
  const revocation = await signObject(
    'label-revocation',
    {
      kind: 'label-revocation',
      v: 1,
      node: node.kid,
      label: signedLabel.id,
      number: '1234',
      record: record.id,
      issued_at: '2026-03-15T00:00:00Z',
    },
    node.signer,
  );
  const forged = await signObject('label', { ...label, node: keys.mallory.kid }, keys.mallory.signer);
  const declarations = [
    {
      requirements: ['REQ-USAGE-001'],
      comment: 'a declaration with two items inline, signed by the test key "developer"',
      flags: [],
      result: 'valid' as const,
      input: { jws: inline.jws },
      output: { id: inline.id, payload: inline.payload },
    },
    {
      requirements: ['REQ-USAGE-001', 'REQ-USAGE-004'],
      comment: 'the same items by manifest: the manifest text, its sha256 and count are in the declaration',
      flags: ['manifest'],
      result: 'valid' as const,
      input: { jws: byManifest.jws, manifest: manifest.text },
      output: { id: byManifest.id, payload: byManifest.payload },
    },
    {
      requirements: ['REQ-USAGE-001'],
      comment: 'both items and a manifest',
      flags: [],
      result: 'invalid' as const,
      input: { jws: both },
      problem: problemTypeOf('ERR_SCHEMA'),
    },
    {
      requirements: ['REQ-USAGE-001'],
      comment: 'period.until before period.from',
      flags: [],
      result: 'invalid' as const,
      input: { jws: reversed },
      problem: problemTypeOf('ERR_SCHEMA'),
    },
  ];
  const verification = async (comment: string, input: { label: string; revocation?: string; at: string }) => {
    let status: string;
    try {
      status = (
        await verifyLabel(
          input.label,
          { crv: 'Ed25519', kty: 'OKP', x: node.jwk.x },
          input.at,
          input.revocation,
        )
      ).status;
    } catch {
      status = 'invalid';
    }
    return {
      requirements: ['REQ-USAGE-023'],
      comment,
      flags: ['label'],
      result: status === 'invalid' ? ('invalid' as const) : ('valid' as const),
      input: { trusted_node_key: 'node', ...input },
      output: { status },
    };
  };
  const labels = [
    await verification('a label inside its validity', { label: signedLabel.jws, at: '2026-03-10T00:00:00Z' }),
    await verification('at valid_until the label has expired', {
      label: signedLabel.jws,
      at: label.valid_until,
    }),
    await verification('before valid_from', { label: signedLabel.jws, at: '2026-03-01T00:00:06Z' }),
    await verification('with its revocation, after the revocation', {
      label: signedLabel.jws,
      revocation: revocation.jws,
      at: '2026-03-20T00:00:00Z',
    }),
    await verification('with its revocation, before the revocation', {
      label: signedLabel.jws,
      revocation: revocation.jws,
      at: '2026-03-10T00:00:00Z',
    }),
    await verification('a label signed by a key that is not the trusted node key', {
      label: forged.jws,
      at: '2026-03-10T00:00:00Z',
    }),
  ];
  return vectorFile('kyodaku-usage', 'spec/usage.md', [...declarations, ...labels]);
}
