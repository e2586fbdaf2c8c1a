/**
 * The in-memory decision index: identifier -> record states of every record the node accepted
 * (current and past, with the times they were superseded or revoked), the URL prefix patterns by
 * origin, and the attestation state of every issuer. Built at start-up from the database and
 * updated on every accepted write, so that a decision never touches the database: under opt-in
 * almost every query is a miss and costs one Map lookup.
 *
 * Memory: a record is kept as a trimmed RecordState (no titles, aliases or JWS); purpose maps,
 * conditions and timestamps are interned, identifiers are shared with the Map keys.
 */
import {
  type ConsentRecord,
  type Decision,
  decide,
  isUrlPrefixPattern,
  type Purpose,
  type RecordState,
  urlPrefixMatches,
} from '@kyodaku/client';

export interface AttestationState {
  id: string;
  role: string;
  issuedAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

/** The fields of a consent record the decision needs. */
export interface IndexedRecord {
  id: string;
  iss: string;
  type: ConsentRecord['work']['type'];
  ids: readonly string[];
  purposes: ConsentRecord['purposes'];
  conditions?: ConsentRecord['conditions'];
  issuedAt: string;
  validFrom: string;
  validUntil?: string;
  supersededAt?: string;
  revokedAt?: string;
}

/** `url:https://host:port` of a normalized url identifier (patterns never cross an origin). */
function originOf(id: string): string {
  const slash = id.indexOf('/', id.indexOf('://') + 3);
  return slash < 0 ? id : id.slice(0, slash);
}

export function attestationInForce(a: AttestationState, at: string): boolean {
  return (
    a.issuedAt <= at &&
    (a.expiresAt === undefined || at < a.expiresAt) &&
    (a.revokedAt === undefined || at < a.revokedAt)
  );
}

export class DecisionIndex {
  /** identifier (or prefix pattern) -> states of the records naming it. */
  readonly #byIdentifier = new Map<string, RecordState | RecordState[]>();
  /** origin -> prefix patterns under it. */
  readonly #patternsByOrigin = new Map<string, string[]>();
  readonly #attestationsByParty = new Map<string, AttestationState[]>();
  readonly #interned = new Map<string, unknown>();
  #records = 0;

  get size(): number {
    return this.#records;
  }

  #intern<T>(key: string, value: T): T {
    const known = this.#interned.get(key);
    if (known !== undefined) return known as T;
    this.#interned.set(key, value);
    return value;
  }

  addRecord(r: IndexedRecord): void {
    const ids = [...r.ids];
    const record: ConsentRecord = {
      kind: 'record',
      v: 1,
      iss: this.#intern(`i:${r.iss}`, r.iss),
      work: { type: r.type, ids },
      purposes: this.#intern(`p:${JSON.stringify(r.purposes)}`, r.purposes),
      valid_from: this.#intern(`t:${r.validFrom}`, r.validFrom),
      issued_at: this.#intern(`t:${r.issuedAt}`, r.issuedAt),
    };
    if (r.conditions !== undefined)
      record.conditions = this.#intern(`c:${JSON.stringify(r.conditions)}`, r.conditions);
    if (r.validUntil !== undefined) record.valid_until = this.#intern(`t:${r.validUntil}`, r.validUntil);
    const state: RecordState = { id: r.id, record };
    if (r.supersededAt !== undefined) state.supersededAt = r.supersededAt;
    if (r.revokedAt !== undefined) state.revokedAt = r.revokedAt;
    for (const id of ids) {
      const existing = this.#byIdentifier.get(id);
      if (existing === undefined) {
        this.#byIdentifier.set(id, state);
        if (isUrlPrefixPattern(id)) {
          const origin = originOf(id);
          const list = this.#patternsByOrigin.get(origin);
          if (list === undefined) this.#patternsByOrigin.set(origin, [id]);
          else list.push(id);
        }
      } else if (Array.isArray(existing)) existing.push(state);
      else this.#byIdentifier.set(id, [existing, state]);
    }
    this.#records++;
  }

  #find(recordId: string, ids: readonly string[]): RecordState | undefined {
    for (const id of ids) {
      const entry = this.#byIdentifier.get(id);
      const list = entry === undefined ? [] : Array.isArray(entry) ? entry : [entry];
      const state = list.find((s) => s.id === recordId);
      if (state !== undefined) return state;
    }
    return undefined;
  }

  markSuperseded(recordId: string, ids: readonly string[], at: string): void {
    const state = this.#find(recordId, ids);
    if (state !== undefined) state.supersededAt = at;
  }

  markRevoked(recordId: string, ids: readonly string[], at: string): void {
    const state = this.#find(recordId, ids);
    if (state !== undefined) state.revokedAt = at;
  }

  addAttestation(party: string, a: AttestationState): void {
    const list = this.#attestationsByParty.get(party);
    if (list === undefined) this.#attestationsByParty.set(party, [a]);
    else list.push(a);
  }

  revokeAttestation(party: string, attestationId: string, at: string): void {
    const a = this.#attestationsByParty.get(party)?.find((x) => x.id === attestationId);
    if (a !== undefined) a.revokedAt = at;
  }

  /** The attestation of the party in force at `at` (the newest one), if any. */
  attestationAt(party: string, at: string): AttestationState | undefined {
    let found: AttestationState | undefined;
    for (const a of this.#attestationsByParty.get(party) ?? []) {
      if (attestationInForce(a, at) && (found === undefined || a.issuedAt >= found.issuedAt)) found = a;
    }
    return found;
  }

  /** Every record state naming one of the (normalized) identifiers, exactly or by a prefix pattern. */
  candidates(ids: readonly string[]): RecordState[] {
    let out: RecordState[] | undefined;
    const add = (entry: RecordState | RecordState[] | undefined) => {
      if (entry === undefined) return;
      out ??= [];
      if (Array.isArray(entry)) {
        for (const s of entry) if (!out.includes(s)) out.push(s);
      } else if (!out.includes(entry)) out.push(entry);
    };
    for (const id of ids) {
      add(this.#byIdentifier.get(id));
      if (this.#patternsByOrigin.size > 0 && id.startsWith('url:') && !id.endsWith('*')) {
        for (const pattern of this.#patternsByOrigin.get(originOf(id)) ?? []) {
          if (urlPrefixMatches(pattern, id)) add(this.#byIdentifier.get(pattern));
        }
      }
    }
    return out ?? [];
  }

  /** decide() over the records naming the ids whose issuer is attested at `at`. */
  decide(
    ids: readonly string[],
    purpose: Purpose,
    at: string,
    candidates: RecordState[] = this.candidates(ids),
  ): Decision {
    const counted =
      candidates.length === 0
        ? candidates
        : candidates.filter((s) => this.attestationAt(s.record.iss, at) !== undefined);
    return decide({ ids, purpose, at }, counted);
  }
}
