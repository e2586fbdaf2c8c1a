/**
 * The per-origin verification pipeline (spec/federation.md §5, REQ-FED-011..014): every entry of a
 * page that the follower proved to be in the peer's signed log is verified as a signed object with
 * the key bound to its issuer. Signatures of a page are checked concurrently; the decisions that
 * depend on earlier entries (is the issuer attested by a trusted node?) are taken in index order.
 */
import {
  checkKeyProof,
  type KeyResolver,
  KyodakuError,
  keyIdOf,
  kindOfTyp,
  type ObjectKind,
  type PublicJwk,
  type SignedObject,
  verifyParty,
} from '@kyodaku/client';
import { assertNotFutureDated } from '../objects/time-bound.ts';
import { keyObjectOf, verifySigned } from '../objects/verify.ts';

/** What the pipeline needs to know about objects verified before this page (own and followed). */
export interface TrustView {
  /** The key of a party the node holds, verified. */
  partyKey(partyId: string): PublicJwk | undefined | Promise<PublicJwk | undefined>;
  /** The role under which a trusted node key attested the party, if any did. */
  attestedRole(partyId: string): string | undefined | Promise<string | undefined>;
  /** The issuer of a record the node holds, if it holds it. */
  recordIssuer(recordId: string): string | undefined | Promise<string | undefined>;
  /**
   * The key bound to a party just before a position in a peer's log, when a followed key change
   * replaced its first key, with the ids of its former keys (federation.md REQ-FED-018); undefined
   * while the party's key is its first key.
   */
  changedKey?(partyId: string, at: LogPosition): ChangedKey | undefined;
}

/** A position in a followed log: the peer's pinned node key and the entry's index. */
export interface LogPosition {
  node: string;
  index: number;
}

/** A party's current key after key changes, and its former key ids (oldest first). */
export interface ChangedKey {
  kid: string;
  jwk: PublicJwk;
  former: readonly string[];
}

export interface PeerKey {
  kid: string;
  jwk: PublicJwk;
}

export type FollowedKind =
  | 'party'
  | 'attestation'
  | 'attestation-revocation'
  | 'record'
  | 'revocation'
  | 'key-change'
  | 'key-compromise'
  | 'delegation'
  | 'delegation-revocation';

export interface FollowedObject {
  index: number;
  kind: FollowedKind;
  object: SignedObject<FollowedKind>;
  /** The party the object is about (party id, attested party, issuer). */
  party: string;
  /** The object it acts on (revoked record or attestation, superseded record), if any. */
  subject: string | null;
  /** When this node committed it (its `foreign_objects.received_at`), once committed. */
  receivedAt?: string;
}

export interface Refusal {
  index: number;
  /** A problem type name (`invalid-signature`, `unattested-key`, …). */
  reason: string;
  detail: string;
}

export interface VerifiedPage {
  accepted: FollowedObject[];
  refusals: Refusal[];
  /** Entries counted in the log but not used (admin requests, receipts, unknown kinds). */
  ignored: number;
}

const FOLLOWED = new Set<ObjectKind>([
  'party',
  'attestation',
  'attestation-revocation',
  'record',
  'revocation',
  'key-change',
  'key-compromise',
  'delegation',
  'delegation-revocation',
]);

/** The kind named by a JWS's `typ` (and its `kid`), read without trusting anything else. */
function headerOf(jws: string): { kind: ObjectKind | undefined | null; kid: string | undefined } {
  const dot = jws.indexOf('.');
  if (dot <= 0) return { kind: null, kid: undefined };
  try {
    const header = JSON.parse(Buffer.from(jws.slice(0, dot), 'base64url').toString('utf8')) as {
      typ?: unknown;
      kid?: unknown;
    };
    return {
      kind: typeof header.typ === 'string' ? kindOfTyp(header.typ) : null,
      kid: typeof header.kid === 'string' ? header.kid : undefined,
    };
  } catch {
    return { kind: null, kid: undefined };
  }
}

/** Full verification of a followed object (kyodaku.md §5) with the node's native signature path. */
function verifyFollowed<K extends ObjectKind>(
  jws: string,
  kind: K,
  resolveKey: KeyResolver<K>,
): Promise<SignedObject<K>> {
  return verifySigned(jws, kind, async (kid, payload) => keyObjectOf(await resolveKey(kid, payload)));
}

/** The `iss` of a JWS payload, read without verifying it (to order a page's key changes by party). */
function unverifiedIss(jws: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
    };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): { reason: string; detail: string } {
  if (error instanceof KyodakuError) {
    return { reason: error.problemType.replace('urn:kyodaku:problem:', ''), detail: error.message };
  }
  return { reason: 'internal-error', detail: (error as Error).message ?? String(error) };
}

export async function verifyPage(
  entries: ReadonlyArray<{ index: number; jws: string }>,
  peer: PeerKey,
  trust: TrustView,
  nowMs: number,
): Promise<VerifiedPage> {
  const pageParties = new Map<string, Promise<SignedObject<'party'>>>();
  const nodeKey = (kid: string, payload: { node: string }) => {
    if (kid !== peer.kid || payload.node !== peer.kid) {
      throw new KyodakuError('ERR_JWS_KID', 'not signed by the pinned node key of this peer');
    }
    return peer.jwk;
  };
  /** Key changes of the page by party, in index order, each with the key it binds once accepted. */
  const pageChanges = new Map<string, Array<{ index: number; bound: Promise<ChangedKey | undefined> }>>();
  /** The key bound to `party` just before entry `index` (kyodaku.md §6, REQ-FED-018). */
  const keyBefore = async (party: string, index: number): Promise<ChangedKey> => {
    const list = pageChanges.get(party) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.index >= index) continue;
      const bound = await list[i]!.bound;
      if (bound !== undefined) return bound;
    }
    const changed = trust.changedKey?.(party, { node: peer.kid, index });
    if (changed !== undefined) return changed;
    return { kid: party, jwk: await firstKey(party), former: [] };
  };
  const firstKey = async (party: string): Promise<PublicJwk> => {
    const known = await trust.partyKey(party);
    if (known !== undefined) return known;
    const inPage = pageParties.get(party);
    if (inPage !== undefined) {
      try {
        return (await inPage).payload.key;
      } catch {
        // the party itself was refused
      }
    }
    throw new KyodakuError('ERR_JWS_KID', 'iss is not a party this node holds');
  };
  /** The resolver of an object at `index` signed by its issuer's key bound at that position. */
  const issuerKeyAt =
    (index: number) =>
    async (kid: string, payload: { iss: string }): Promise<PublicJwk> => {
      const bound = await keyBefore(payload.iss, index);
      if (kid !== bound.kid) throw new KyodakuError('ERR_JWS_KID', 'kid is not the current key of iss');
      return bound.jwk;
    };
  const keyChangeAt = async (jws: string, index: number): Promise<SignedObject<'key-change'>> => {
    const change = await verifyFollowed(jws, 'key-change', issuerKeyAt(index));
    const newKid = await checkKeyProof(change.payload, change.header.kid);
    // REQ-KEY-003: a key belongs to one party once (a party id the follower holds is one).
    if ((await trust.partyKey(newKid)) !== undefined || pageParties.has(newKid)) {
      throw new KyodakuError('ERR_CONFLICT', 'new_key is already a key of a party');
    }
    return change;
  };

  const pending: Array<{
    index: number;
    kind: ObjectKind | undefined | null;
    promise?: Promise<SignedObject>;
  }> = [];
  for (const { index, jws } of entries) {
    const { kind, kid } = headerOf(jws);
    const item: (typeof pending)[number] = { index, kind };
    if (kind === 'party') {
      const p = verifyParty(jws);
      p.catch(() => undefined);
      if (kid !== undefined && !pageParties.has(kid)) pageParties.set(kid, p);
      item.promise = p;
    } else if (kind === 'attestation') item.promise = verifyFollowed(jws, 'attestation', nodeKey);
    else if (kind === 'attestation-revocation')
      item.promise = verifyFollowed(jws, 'attestation-revocation', nodeKey);
    else if (kind === 'record') item.promise = verifyFollowed(jws, 'record', issuerKeyAt(index));
    else if (kind === 'revocation') item.promise = verifyFollowed(jws, 'revocation', issuerKeyAt(index));
    else if (kind === 'key-compromise')
      item.promise = verifyFollowed(jws, 'key-compromise', issuerKeyAt(index));
    else if (kind === 'delegation') item.promise = verifyFollowed(jws, 'delegation', issuerKeyAt(index));
    else if (kind === 'delegation-revocation')
      item.promise = verifyFollowed(jws, 'delegation-revocation', issuerKeyAt(index));
    else if (kind === 'key-change') {
      const p = keyChangeAt(jws, index);
      item.promise = p;
      const iss = unverifiedIss(jws);
      if (iss !== undefined) {
        const bound = p.then(async (change): Promise<ChangedKey | undefined> => {
          try {
            assertNotFutureDated(change.payload.issued_at, nowMs);
          } catch {
            return undefined;
          }
          const before = await keyBefore(iss, index);
          return {
            kid: await keyIdOf(change.payload.new_key),
            jwk: change.payload.new_key,
            former: [...before.former, before.kid],
          };
        });
        bound.catch(() => undefined);
        const list = pageChanges.get(iss) ?? [];
        list.push({ index, bound: bound.catch(() => undefined) });
        pageChanges.set(iss, list);
      }
    }
    item.promise?.catch(() => undefined);
    pending.push(item);
  }

  const out: VerifiedPage = { accepted: [], refusals: [], ignored: 0 };
  const pageRoles = new Map<string, string>();
  const pageRecords = new Map<string, string>();
  for (const item of pending) {
    if (item.kind === null) {
      out.refusals.push({ index: item.index, reason: 'malformed-jws', detail: 'not a JWS with a typ' });
      continue;
    }
    if (item.kind === undefined || !FOLLOWED.has(item.kind) || item.promise === undefined) {
      out.ignored++;
      continue;
    }
    let object: SignedObject;
    try {
      object = await item.promise;
    } catch (error) {
      out.refusals.push({ index: item.index, ...reasonOf(error) });
      continue;
    }
    const refuse = (reason: string, detail: string) =>
      out.refusals.push({ index: item.index, reason, detail });
    try {
      assertNotFutureDated((object.payload as { issued_at: string }).issued_at, nowMs);
    } catch (error) {
      out.refusals.push({ index: item.index, ...reasonOf(error) });
      continue;
    }
    const kind = item.kind as FollowedKind;
    let party: string;
    let subject: string | null = null;
    if (kind === 'party') {
      party = object.header.kid;
    } else if (kind === 'attestation') {
      const a = (object as SignedObject<'attestation'>).payload;
      party = a.party;
      pageRoles.set(a.party, a.role);
    } else if (kind === 'attestation-revocation') {
      const r = (object as SignedObject<'attestation-revocation'>).payload;
      party = r.node;
      subject = r.attestation;
    } else if (kind === 'record') {
      const r = (object as SignedObject<'record'>).payload;
      party = r.iss;
      subject = r.supersedes ?? null;
      const role = pageRoles.get(r.iss) ?? (await trust.attestedRole(r.iss));
      if (role === undefined) {
        refuse('unattested-key', 'the issuer has no attestation by a node key this node trusts');
        continue;
      }
      if (role === 'ai-developer') {
        refuse('forbidden', 'an AI developer does not publish consent records');
        continue;
      }
      if (subject !== null) {
        const issuer = pageRecords.get(subject) ?? (await trust.recordIssuer(subject));
        if (issuer !== undefined && issuer !== r.iss) {
          refuse('forbidden', 'a record can only supersede a record of the same issuer');
          continue;
        }
      }
      pageRecords.set(object.id, r.iss);
    } else if (kind === 'key-change') {
      const c = (object as SignedObject<'key-change'>).payload;
      party = c.iss;
      subject = await keyIdOf(c.new_key);
    } else if (kind === 'key-compromise') {
      const c = (object as SignedObject<'key-compromise'>).payload;
      party = c.iss;
      subject = c.key;
      const bound = await keyBefore(c.iss, item.index);
      if (c.key === bound.kid) {
        refuse('conflict', 'the current key cannot be declared compromised; change it first');
        continue;
      }
      if (!bound.former.includes(c.key)) {
        refuse('not-found', 'key is not a former key of iss');
        continue;
      }
      if (Date.parse(c.compromised_at) > Date.parse(c.issued_at)) {
        refuse('schema-violation', 'compromised_at is later than issued_at');
        continue;
      }
    } else if (kind === 'delegation') {
      const d = (object as SignedObject<'delegation'>).payload;
      party = d.iss;
      subject = d.agent;
    } else if (kind === 'delegation-revocation') {
      const r = (object as SignedObject<'delegation-revocation'>).payload;
      party = r.iss;
      subject = r.delegation;
    } else {
      const r = (object as SignedObject<'revocation'>).payload;
      party = r.iss;
      subject = r.record;
      const issuer = pageRecords.get(r.record) ?? (await trust.recordIssuer(r.record));
      if (issuer !== undefined && issuer !== r.iss) {
        refuse('forbidden', 'only the issuer of a record can revoke it');
        continue;
      }
    }
    out.accepted.push({
      index: item.index,
      kind,
      object: object as SignedObject<FollowedKind>,
      party,
      subject,
    });
  }
  return out;
}
