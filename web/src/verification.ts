/**
 * Verification in the browser with the protocol library: an object's signature (the issuer's key
 * from its self-signed party registration and key changes, or the node key named by the verifier
 * key), the node's checkpoint under that verifier key, which the user can replace, consistency with the last checkpoint this browser accepted, and the
 * object's inclusion proof against that checkpoint; for a receipt, its signature and every ref's
 * inclusion under the tree it was evaluated at. Only the checks run here decide; the server's
 * answers are data.
 */
import {
  type Checkpoint,
  checkKeyProof,
  decodeProof,
  keyIdOf,
  kindOfTyp,
  leafHashOfEntry,
  type ObjectKind,
  objectIdOf,
  type PublicJwk,
  parseVerifierKey,
  type schemas,
  toTimestamp,
  verifyCheckpoint,
  verifyEntryInclusion,
  verifyLabel,
  verifyObject,
  verifyParty,
  verifyReceipt,
  verifyTreeConsistency,
} from '@kyodaku/client/browser';
import { getJson, getText } from './api.ts';
import type { MessageKey } from './i18n.ts';
import { payloadOf } from './objects.ts';

export interface Check {
  label: MessageKey;
  ok: boolean;
  detail: string;
}

const KEPT = 'kyodaku.checkpoint.';

interface Kept {
  size: number;
  root: string;
}

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The node key named by the log's verifier key (REQ-API-070: the log is signed with the node key):
 * receipts and attestations are checked under the key the user trusts, not the one the node says.
 */
function nodeKeyOf(vkey: string): PublicJwk {
  const x = b64(parseVerifierKey(vkey).publicKey).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return { kty: 'OKP', crv: 'Ed25519', x };
}

/** One canonical base64 hash, refused as a proof hash would be. */
function fromBase64Hash(text: string): Uint8Array {
  return decodeProof([text])[0]!;
}

/** Runs `step`; a thrown error becomes a failed check and stops what depends on it. */
async function step<T>(
  checks: Check[],
  label: MessageKey,
  run: () => Promise<[T, string]>,
): Promise<T | undefined> {
  try {
    const [value, detail] = await run();
    checks.push({ label, ok: true, detail });
    return value;
  } catch (error) {
    checks.push({ label, ok: false, detail: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

function kindOf(jws: string): ObjectKind {
  const header = payloadOf(`.${jws.split('.')[0] ?? ''}`);
  const kind = typeof header?.typ === 'string' ? kindOfTyp(header.typ) : undefined;
  if (kind === undefined) throw new Error('not a Kyodaku object (unknown typ)');
  return kind;
}

/**
 * The key `kid` of party `iss`: the key of its registration (self-signed), or one reached from it by
 * key changes, each checked here: signed by the key before it, its proof signed by the new key.
 */
async function issuerKey(iss: string, kid: string): Promise<PublicJwk> {
  const party = await verifyParty(
    (await getJson<{ jws: string }>(`/v1/parties/${encodeURIComponent(iss)}`)).jws,
  );
  let key = party.payload.key;
  let current = await keyIdOf(key);
  if (current === kid) return key;
  const held = await getJson<schemas.PartyKeys>(`/v1/parties/${encodeURIComponent(iss)}/keys`);
  const changes = held.keys
    .filter((k) => k.bound_by !== undefined)
    .sort((a, b) => (a.bound_at ?? '').localeCompare(b.bound_at ?? ''));
  for (const bound of changes) {
    const view = await getJson<{ jws: string }>(`/v1/key-changes/${bound.bound_by}`);
    const signer = key;
    const change = await verifyObject(view.jws, 'key-change', (changeKid, payload) => {
      if (changeKid !== current || payload.iss !== iss)
        throw new Error('a key change not signed by the key before it');
      return signer;
    });
    current = await checkKeyProof(change.payload, current);
    key = change.payload.new_key;
    if (current === kid) return key;
  }
  throw new Error(`${kid} is not a key of party ${iss}`);
}

/** Verifies the node's latest checkpoint and keeps it; a newer one must prove it extends the kept one. */
async function trustedCheckpoint(checks: Check[], vkey: string): Promise<Checkpoint | undefined> {
  const checkpoint = await step(checks, 'checkCheckpoint', async () => {
    const verifier = parseVerifierKey(vkey);
    const cp = verifyCheckpoint(await getText('/v1/log/checkpoint'), verifier);
    return [cp, `${cp.origin} size ${cp.size} root ${b64(cp.rootHash)}`];
  });
  if (checkpoint === undefined) return undefined;
  const storageKey = KEPT + checkpoint.origin;
  const keptText = localStorage.getItem(storageKey);
  const kept = keptText === null ? undefined : (JSON.parse(keptText) as Kept);
  const consistent = await step(checks, 'checkConsistency', async () => {
    if (kept === undefined || kept.size === 0) return [true, 'first checkpoint seen'];
    if (kept.size > checkpoint.size)
      throw new Error(`the log shrank from ${kept.size} to ${checkpoint.size}`);
    const older = { size: kept.size, rootHash: fromBase64Hash(kept.root) };
    if (kept.size === checkpoint.size) {
      if (kept.root !== b64(checkpoint.rootHash)) throw new Error('same size, another root: the log forked');
      return [true, `size ${kept.size} unchanged`];
    }
    const answer = await getJson<{ proof: unknown }>(
      `/v1/log/proof/consistency?from=${kept.size}&to=${checkpoint.size}`,
    );
    verifyTreeConsistency(older, checkpoint, decodeProof(answer.proof));
    return [true, `${kept.size} → ${checkpoint.size}`];
  });
  if (consistent === undefined) return undefined;
  localStorage.setItem(storageKey, JSON.stringify({ size: checkpoint.size, root: b64(checkpoint.rootHash) }));
  return checkpoint;
}

async function inclusion(
  checks: Check[],
  leafHash: Uint8Array,
  index: number,
  cp: Checkpoint,
): Promise<void> {
  await step(checks, 'checkInclusion', async () => {
    const answer = await getJson<{ proof: unknown }>(
      `/v1/log/proof/inclusion?index=${index}&size=${cp.size}`,
    );
    verifyEntryInclusion({ leafHash, index }, decodeProof(answer.proof), cp);
    return [true, `index ${index} in tree ${cp.size}`];
  });
}

const VIEW_PATH: Partial<Record<ObjectKind, string>> = {
  record: '/v1/records/',
  revocation: '/v1/revocations/',
  attestation: '/v1/attestations/',
  'attestation-revocation': '/v1/attestations/revocations/',
  'key-change': '/v1/key-changes/',
  'key-compromise': '/v1/key-compromises/',
};

/** Every check of a pasted or stored object (a record, party, revocation, attestation or receipt). */
export async function verifyJws(input: string, vkey: string): Promise<Check[]> {
  const jws = input.trim();
  const checks: Check[] = [];
  const kind = await step(checks, 'checkKind', async () => {
    const k = kindOf(jws);
    return [k, k];
  });
  if (kind === undefined) return checks;
  const signed = await step(checks, 'checkSignature', async () => {
    let verified: { id: string };
    if (kind === 'party') verified = await verifyParty(jws);
    else if (kind === 'receipt') verified = await verifyReceipt(jws, nodeKeyOf(vkey));
    else if (kind === 'label') {
      const nodeKey = nodeKeyOf(vkey);
      verified = await verifyObject(jws, 'label', () => nodeKey);
    } else if (kind === 'attestation' || kind === 'attestation-revocation') {
      const nodeKey = nodeKeyOf(vkey);
      verified = await verifyObject(jws, kind, () => nodeKey);
    } else {
      const iss = (payloadOf(jws) as { iss?: unknown } | undefined)?.iss;
      const kid = payloadOf(`.${jws.split('.')[0] ?? ''}`)?.kid;
      if (typeof iss !== 'string' || typeof kid !== 'string') throw new Error('no issuer or no kid');
      const key = await issuerKey(iss, kid);
      verified = await verifyObject(jws, kind, () => key);
    }
    return [verified, `id ${await objectIdOf(jws)}`];
  });
  if (signed === undefined) return checks;
  const checkpoint = await trustedCheckpoint(checks, vkey);
  if (checkpoint === undefined) return checks;
  if (kind === 'receipt') {
    await receiptRefs(checks, jws, checkpoint);
    return checks;
  }
  // A label's page is read once: for its revocation and for its log entry.
  const label = kind === 'label' ? await labelStatus(checks, jws, vkey) : undefined;
  const index = await step(checks, 'logIndex', async () => {
    const id = await objectIdOf(jws);
    const path =
      kind === 'party'
        ? `/v1/parties/${await keyIdOf((payloadOf(jws) as { key: PublicJwk }).key)}`
        : VIEW_PATH[kind] && `${VIEW_PATH[kind]}${id}`;
    if (label === undefined && path === undefined) throw new Error(`no view of ${kind} objects`);
    const view = label ?? (await getJson<StoredView>(path!));
    if (view.log === undefined) throw new Error('the node names no log entry for it');
    return [view.log.index, String(view.log.index)];
  });
  if (index !== undefined) await inclusion(checks, leafHashOfEntry(jws), index, checkpoint);
  return checks;
}

/**
 * A label's validity now (spec/usage.md): within its validity, and not revoked by a revocation the
 * node signed (fetched from the label's page and verified here under the trusted node key).
 */
async function labelStatus(checks: Check[], jws: string, vkey: string): Promise<StoredView | undefined> {
  let view: (StoredView & { revocation?: string }) | undefined;
  await step(checks, 'checkLabelStatus', async () => {
    view = await getJson(`/v1/labels/${(payloadOf(jws) as { number: string }).number}`);
    const verdict = await verifyLabel(jws, nodeKeyOf(vkey), toTimestamp(), view?.revocation);
    if (verdict.status !== 'valid') throw new Error(verdict.status);
    return [verdict.status, `${verdict.status} until ${verdict.label.valid_until}`];
  });
  return view;
}

/** What the view of a stored object says of its log entry. */
interface StoredView {
  log?: { index: number };
}

/** A receipt's refs: each is in this node's log at the tree the receipt was evaluated at. */
async function receiptRefs(checks: Check[], jws: string, cp: Checkpoint): Promise<void> {
  const payload = payloadOf(jws) as {
    results: Array<{ refs: Array<{ origin: string; index: number; leaf_hash: string }> }>;
    evaluated_at: Array<{ origin: string; size: number; root: string }>;
  };
  const tree = payload.evaluated_at.find((x) => x.origin === cp.origin);
  const refs = payload.results.flatMap((r) => r.refs).filter((r) => r.origin === cp.origin);
  await step(checks, 'checkReceiptRefs', async () => {
    if (tree === undefined) throw new Error(`the receipt names no tree of ${cp.origin}`);
    const evaluated = { size: tree.size, rootHash: fromBase64Hash(tree.root) };
    if (tree.size > cp.size) throw new Error('evaluated at a tree larger than the checkpoint');
    if (tree.size < cp.size) {
      const answer = await getJson<{ proof: unknown }>(
        `/v1/log/proof/consistency?from=${tree.size}&to=${cp.size}`,
      );
      verifyTreeConsistency(evaluated, cp, decodeProof(answer.proof));
    } else if (tree.root !== b64(cp.rootHash)) throw new Error('evaluated root is not the checkpoint root');
    for (const ref of refs) {
      const answer = await getJson<{ proof: unknown }>(
        `/v1/log/proof/inclusion?index=${ref.index}&size=${tree.size}`,
      );
      verifyEntryInclusion(
        { leafHash: fromBase64Hash(ref.leaf_hash), index: ref.index },
        decodeProof(answer.proof),
        evaluated,
      );
    }
    return [true, `${refs.length} ref(s) in tree ${tree.size}, consistent with ${cp.size}`];
  });
}
