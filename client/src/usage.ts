/**
 * Usage declarations and labels in the library (spec/usage.md): the manifest of a large declaration
 * (one item per line, JCS, LF-terminated; its SHA-256 and line count go in the declaration), the
 * body that carries a declaration with its manifest, and the offline verification of a label and of
 * its revocation under a node's key.
 */
import { KyodakuError } from './errors.ts';
import { canonicalJson } from './jcs.ts';
import { verifyObject } from './jws.ts';
import { keyIdOf, type PublicJwk } from './keys.ts';
import type { Label, LabelRevocation, UsageItem } from './schemas/usage.ts';

export interface Manifest {
  /** The manifest's text: one item per line in JCS form, each line ending with LF. */
  text: string;
  ref: { sha256: string; count: number };
}

/** The manifest of a declaration's items. */
export async function manifestOf(items: readonly UsageItem[]): Promise<Manifest> {
  const text = items.map((item) => `${canonicalJson(item)}\n`).join('');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return { text, ref: { sha256: Buffer.from(digest).toString('hex'), count: items.length } };
}

/** The `application/x-ndjson` body of a declaration with its manifest: the JWS line, then the manifest. */
export function usageBodyOf(declarationJws: string, manifest: Manifest): string {
  return `${declarationJws}\n${manifest.text}`;
}

export type LabelVerdict =
  | { status: 'valid'; label: Label }
  | { status: 'expired'; label: Label }
  | { status: 'not-yet-valid'; label: Label }
  | { status: 'revoked'; label: Label; revocation: LabelRevocation };

/**
 * Verifies a label (and its revocation, if one is given) offline under the node key the verifier
 * trusts, and says whether it is valid at `at`: signature, schema, the node named in the label, and
 * the revocation naming this label, signed by the same node (REQ-USAGE-023).
 */
export async function verifyLabel(
  labelJws: string,
  nodeKey: PublicJwk,
  at: string,
  revocationJws?: string,
): Promise<LabelVerdict> {
  const kid = await keyIdOf(nodeKey);
  const byNode = (what: string) => (headerKid: string, payload: { node: string }) => {
    if (headerKid !== kid || payload.node !== kid) {
      throw new KyodakuError('ERR_JWS_KID', `the ${what} is not signed by the trusted node key`);
    }
    return nodeKey;
  };
  const label = await verifyObject(labelJws, 'label', byNode('label'));
  if (revocationJws !== undefined) {
    const revocation = await verifyObject(revocationJws, 'label-revocation', byNode('label revocation'));
    if (revocation.payload.label !== label.id) {
      throw new KyodakuError('ERR_INVALID_REQUEST', 'the revocation names another label');
    }
    if (revocation.payload.issued_at <= at) {
      return { status: 'revoked', label: label.payload, revocation: revocation.payload };
    }
  }
  if (at < label.payload.valid_from) return { status: 'not-yet-valid', label: label.payload };
  if (at >= label.payload.valid_until) return { status: 'expired', label: label.payload };
  return { status: 'valid', label: label.payload };
}
