/**
 * The in-memory decision index: identifier -> slots of every record the node accepted (current and
 * past, with the times they were superseded or revoked), the URL prefix patterns by origin, and the
 * attestation state of every issuer. Built at start-up from the database and updated on every
 * accepted write, so that a decision never touches the database: under opt-in almost every query is
 * a miss and costs one Map lookup.
 *
 * Memory: a record is a slot of typed-array columns (record-table.ts) with its purposes and
 * conditions interned as a profile (record-profiles.ts); the only per-record heap objects are the
 * identifier strings that key the Map, whose values are slot numbers. A hit decided by one record
 * is answered from a serialized template (answer-templates.ts); anything else (disputes, several
 * records of an issuer) goes through the library's decide() over rebuilt record states.
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
import { allowedLeavesOf } from './allowed-leaves.ts';
import { AnswerTemplates, answerTail } from './answer-templates.ts';
import { Delegations } from './delegations.ts';
import { IdentifierTable } from './identifier-table.ts';
import { RecordProfiles } from './record-profiles.ts';
import { RecordTable } from './record-table.ts';
import { endKey, timeKey, timeOfKey } from './time-key.ts';

/**
 * An attestation as decisions see it. `from` and `revokedAt` are when it took effect and when its
 * revocation did: the later of the object's `issued_at` and the time the node logged it
 * (kyodaku.md REQ-DECIDE-012).
 */
export interface AttestationState {
  id: string;
  role: string;
  from: string;
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
  /** When this node logged the record (its received_at, REQ-DECIDE-011). */
  loggedAt: string;
  supersededAt?: string;
  revokedAt?: string;
  /** The record's work, for what else keeps an index of records (the names of generation/). */
  work?: ConsentRecord['work'];
}

/**
 * A newly accepted record (own or followed) as the index takes it, from its verified payload and
 * the time this node logged it.
 */
export function indexedRecordOf(id: string, r: ConsentRecord, loggedAt: string): IndexedRecord {
  return {
    id,
    iss: r.iss,
    type: r.work.type,
    ids: r.work.ids,
    purposes: r.purposes,
    ...(r.conditions !== undefined && { conditions: r.conditions }),
    issuedAt: r.issued_at,
    validFrom: r.valid_from,
    ...(r.valid_until !== undefined && { validUntil: r.valid_until }),
    work: r.work,
    loggedAt,
  };
}

/** The same fields as stored in the database (JSON text for ids, purposes and conditions). */
export interface StoredRecordFields {
  id: string;
  issuer: string;
  ids: string;
  purposes: string;
  conditions: string | null;
  issuedAt: string;
  validFrom: string;
  validUntil: string | null;
  /** The received_at of the record's object. */
  loggedAt: string;
  supersededAt: string | null;
  revokedAt: string | null;
}

/** `url:https://host:port` of a normalized url identifier (patterns never cross an origin). */
function originOf(id: string): string {
  const slash = id.indexOf('/', id.indexOf('://') + 3);
  return slash < 0 ? id : id.slice(0, slash);
}

export function attestationInForce(a: AttestationState, at: string): boolean {
  return (
    a.from <= at &&
    (a.expiresAt === undefined || at < a.expiresAt) &&
    (a.revokedAt === undefined || at < a.revokedAt)
  );
}

/** An issuer: its attestations and the last answer to "attested at T?". */
interface Issuer {
  name: string;
  attestations: AttestationState[];
  checkedAt: string;
  checkedVersion: number;
  attested: boolean;
}

export class DecisionIndex {
  readonly #table = new RecordTable();
  readonly #profiles = new RecordProfiles();
  readonly #templates = new AnswerTemplates();
  /** identifier (or prefix pattern) -> slot, or -(n + 1) for the n-th list of several slots. */
  readonly #byIdentifier = new IdentifierTable();
  readonly #lists: number[][] = [];
  /** origin -> prefix patterns under it. */
  readonly #patternsByOrigin = new Map<string, string[]>();
  readonly #issuers: Issuer[] = [];
  readonly #issuerNumber = new Map<string, number>();
  /** Bumped on every attestation change: invalidates the issuers' cached answers. */
  #attestationVersion = 0;
  /** Who acts for whom (kyodaku.md §6.6), asked when records of several issuers are in force. */
  readonly delegations = new Delegations();
  #lastAt = '';
  #lastAtKey = 0;
  readonly #listeners: Array<(r: IndexedRecord) => void> = [];

  get size(): number {
    return this.#table.length;
  }

  #issuer(name: string): number {
    let n = this.#issuerNumber.get(name);
    if (n === undefined) {
      n = this.#issuers.length;
      this.#issuers.push({ name, attestations: [], checkedAt: '', checkedVersion: -1, attested: false });
      this.#issuerNumber.set(name, n);
    }
    return n;
  }

  #add(id: string, issuer: string, ids: readonly string[], profile: number, times: StoredTimes): void {
    const slot = this.#table.add({
      id,
      issuer: this.#issuer(issuer),
      profile,
      issuedAt: timeKey(times.issuedAt),
      validFrom: timeKey(times.validFrom),
      validUntil: endKey(times.validUntil),
      loggedAt: timeKey(times.loggedAt),
      supersededAt: endKey(times.supersededAt),
      revokedAt: endKey(times.revokedAt),
    });
    for (const identifier of ids) {
      const existing = this.#byIdentifier.get(identifier);
      if (existing === undefined) {
        this.#byIdentifier.set(identifier, slot);
        if (isUrlPrefixPattern(identifier)) {
          const origin = originOf(identifier);
          const list = this.#patternsByOrigin.get(origin);
          if (list === undefined) this.#patternsByOrigin.set(origin, [identifier]);
          else list.push(identifier);
        }
      } else if (existing >= 0) {
        this.#lists.push([existing, slot]);
        this.#byIdentifier.set(identifier, -this.#lists.length);
      } else this.#lists[-existing - 1]!.push(slot);
    }
  }

  /** Makes room for `more` records (one identifier each) beyond those held: a start-up grows once. */
  reserve(more: number): void {
    this.#table.reserve(this.#table.length + more);
    this.#byIdentifier.reserve(this.#byIdentifier.size + more);
  }

  /** Adds a record accepted by a write, and tells the listeners (onRecord). */
  addRecord(r: IndexedRecord): void {
    this.#add(r.id, r.iss, r.ids, this.#profiles.intern(r.purposes, r.conditions), r);
    for (const listener of this.#listeners) listener(r);
  }

  /** Calls `listener` with every record added by a write from now on (own or followed). */
  onRecord(listener: (r: IndexedRecord) => void): void {
    this.#listeners.push(listener);
  }

  /** Adds a record as stored in the database (start-up): each distinct purposes text is parsed once. */
  addStoredRecord(r: StoredRecordFields): void {
    const ids = JSON.parse(r.ids) as string[];
    this.#add(r.id, r.issuer, ids, this.#profiles.internJson(r.purposes, r.conditions), r);
  }

  #slotOf(recordId: string, ids: readonly string[]): number | undefined {
    for (const id of ids) {
      for (const slot of this.#slotsUnder(id)) if (this.#table.idOf(slot) === recordId) return slot;
    }
    return undefined;
  }

  #slotsUnder(identifier: string): readonly number[] {
    const v = this.#byIdentifier.get(identifier);
    return v === undefined ? [] : v >= 0 ? [v] : this.#lists[-v - 1]!;
  }

  /** `at`: when the supersession took effect (takesEffectAt of the successor, REQ-DECIDE-010). */
  markSuperseded(recordId: string, ids: readonly string[], at: string): void {
    const slot = this.#slotOf(recordId, ids);
    if (slot !== undefined) this.#table.setSupersededAt(slot, timeKey(at));
  }

  /** `at`: when the revocation took effect (takesEffectAt of the revocation, REQ-DECIDE-010). */
  markRevoked(recordId: string, ids: readonly string[], at: string): void {
    const slot = this.#slotOf(recordId, ids);
    if (slot !== undefined) this.#table.setRevokedAt(slot, timeKey(at));
  }

  /**
   * Makes a record count at no time (signed with a compromised key and logged after its
   * `compromised_at`, kyodaku.md REQ-KEY-007): its window `[valid_from, valid_until)` becomes empty,
   * and no later revocation or supersession reopens it.
   */
  disqualify(recordId: string, ids: readonly string[]): void {
    const slot = this.#slotOf(recordId, ids);
    if (slot !== undefined) this.#table.setValidUntil(slot, this.#table.validFrom(slot));
  }

  /**
   * Undoes a revocation or supersession that does not count (made by a record or revocation signed
   * with a compromised key and logged after its `compromised_at`, kyodaku.md REQ-KEY-007).
   */
  reinstate(recordId: string, ids: readonly string[], from: 'revocation' | 'supersession'): void {
    const slot = this.#slotOf(recordId, ids);
    if (slot === undefined) return;
    if (from === 'revocation') this.#table.setRevokedAt(slot, Number.POSITIVE_INFINITY);
    else this.#table.setSupersededAt(slot, Number.POSITIVE_INFINITY);
  }

  addAttestation(party: string, a: AttestationState): void {
    this.#issuers[this.#issuer(party)]!.attestations.push(a);
    this.#attestationVersion++;
  }

  revokeAttestation(party: string, attestationId: string, at: string): void {
    const n = this.#issuerNumber.get(party);
    const a =
      n === undefined ? undefined : this.#issuers[n]!.attestations.find((x) => x.id === attestationId);
    if (a !== undefined) a.revokedAt = at;
    this.#attestationVersion++;
  }

  /** The attestation of the party in force at `at` (the newest one), if any. */
  attestationAt(party: string, at: string): AttestationState | undefined {
    const n = this.#issuerNumber.get(party);
    return n === undefined ? undefined : newestInForce(this.#issuers[n]!.attestations, at);
  }

  #attested(issuer: number, at: string): boolean {
    const i = this.#issuers[issuer]!;
    if (i.checkedAt !== at || i.checkedVersion !== this.#attestationVersion) {
      i.attested = newestInForce(i.attestations, at) !== undefined;
      i.checkedAt = at;
      i.checkedVersion = this.#attestationVersion;
    }
    return i.attested;
  }

  /** Slots of the records naming one of the (normalized) identifiers, exactly or by a prefix pattern. */
  #collect(ids: readonly string[]): number[] {
    const out: number[] = [];
    const add = (v: number | undefined) => {
      if (v === undefined) return;
      if (v >= 0) {
        if (!out.includes(v)) out.push(v);
      } else for (const s of this.#lists[-v - 1]!) if (!out.includes(s)) out.push(s);
    };
    for (const id of ids) {
      add(this.#byIdentifier.get(id));
      if (this.#patternsByOrigin.size > 0 && id.startsWith('url:') && !id.endsWith('*')) {
        for (const pattern of this.#patternsByOrigin.get(originOf(id)) ?? []) {
          if (urlPrefixMatches(pattern, id)) add(this.#byIdentifier.get(pattern));
        }
      }
    }
    return out;
  }

  #atKey(at: string): number {
    if (at !== this.#lastAt) {
      this.#lastAtKey = timeKey(at);
      this.#lastAt = at;
    }
    return this.#lastAtKey;
  }

  /** The record state of a slot (identifiers: those it was found by). */
  #stateOf(slot: number, ids: readonly string[]): RecordState {
    const t = this.#table;
    const profile = this.#profiles.get(t.profile(slot));
    const record: ConsentRecord = {
      kind: 'record',
      v: 1,
      iss: this.#issuers[t.issuer(slot)]!.name,
      work: { type: 'work', ids: [...ids] },
      purposes: profile.purposes,
      valid_from: timeOfKey(t.validFrom(slot))!,
      issued_at: timeOfKey(t.issuedAt(slot))!,
    };
    if (profile.conditions !== undefined) record.conditions = profile.conditions;
    const validUntil = timeOfKey(t.validUntil(slot));
    if (validUntil !== undefined) record.valid_until = validUntil;
    const state: RecordState = { id: t.idOf(slot), record, loggedAt: timeOfKey(t.loggedAt(slot))! };
    const supersededAt = timeOfKey(t.supersededAt(slot));
    if (supersededAt !== undefined) state.supersededAt = supersededAt;
    const revokedAt = timeOfKey(t.revokedAt(slot));
    if (revokedAt !== undefined) state.revokedAt = revokedAt;
    return state;
  }

  /**
   * Every record state naming one of the (normalized) identifiers, exactly or by a prefix pattern;
   * each state's `work.ids` are the queried identifiers.
   */
  candidates(ids: readonly string[]): RecordState[] {
    return this.#collect(ids).map((slot) => this.#stateOf(slot, ids));
  }

  /**
   * Every identifier and prefix pattern keyed by a record in force at `at` (issuer attested), with
   * the leaves its own records alone decide allow or conditional (a mask over PURPOSE_LEAVES,
   * nonzero): what a snapshot's filters hold (spec/snapshot.md §3). Records of one profile deciding
   * alone share one decide().
   */
  *allowingIdentifiers(at: string): Generator<[identifier: string, leaves: number]> {
    const t = this.#table;
    const atKey = this.#atKey(at);
    const byProfile = new Map<number, number>();
    for (const [identifier, v] of this.#byIdentifier.entries()) {
      const live = (v >= 0 ? [v] : this.#lists[-v - 1]!).filter(
        (s) => t.inForce(s, atKey) && this.#attested(t.issuer(s), at),
      );
      if (live.length === 0) continue;
      const states = () => live.map((s) => this.#stateOf(s, [identifier]));
      let leaves: number;
      if (live.length === 1) {
        const profile = t.profile(live[0]!);
        leaves = byProfile.get(profile) ?? allowedLeavesOf(identifier, at, states());
        byProfile.set(profile, leaves);
      } else leaves = allowedLeavesOf(identifier, at, states());
      if (leaves !== 0) yield [identifier, leaves];
    }
  }

  /** decide() over the records naming the ids whose issuer is attested at `at`. */
  decide(ids: readonly string[], purpose: Purpose, at: string): Decision {
    const atKey = this.#atKey(at);
    const live = this.#collect(ids).filter(
      (s) => this.#table.inForce(s, atKey) && this.#attested(this.#table.issuer(s), at),
    );
    return decide(
      { ids, purpose, at, actsFor: this.delegations.at(at) },
      live.map((s) => this.#stateOf(s, ids)),
    );
  }

  /**
   * The answer to a decision as JSON after its `purpose` and `at` members (`"decision":…}`), with or
   * without `leaves`; undefined when no record is in force (the caller's precomputed miss).
   */
  answer(ids: readonly string[], purpose: Purpose, at: string, withLeaves: boolean): string | undefined {
    let slots: readonly number[];
    if (ids.length === 1 && this.#patternsByOrigin.size === 0) {
      const v = this.#byIdentifier.get(ids[0]!);
      if (v === undefined) return undefined;
      slots = v >= 0 ? [v] : this.#collect(ids);
    } else {
      slots = this.#collect(ids);
      if (slots.length === 0) return undefined;
    }
    const t = this.#table;
    const atKey = this.#atKey(at);
    let live: number[] | undefined;
    let decider = -1;
    let oneIssuer = true;
    for (const s of slots) {
      if (!t.inForce(s, atKey) || !this.#attested(t.issuer(s), at)) continue;
      if (decider < 0) decider = s;
      else {
        live ??= [decider];
        live.push(s);
        if (t.issuer(s) !== t.issuer(decider)) oneIssuer = false;
        else if (newer(t, s, decider)) decider = s;
      }
    }
    if (decider < 0) return undefined;
    if (oneIssuer) {
      const profile = t.profile(decider);
      const parts = this.#templates.parts(profile, this.#profiles.get(profile), purpose, withLeaves);
      if (parts !== null) return parts.length === 1 ? parts[0]! : parts.join(t.idOf(decider));
    }
    const states = (live ?? [decider]).map((s) => this.#stateOf(s, ids));
    return answerTail(decide({ ids, purpose, at, actsFor: this.delegations.at(at) }, states), withLeaves);
  }
}

type StoredTimes = {
  issuedAt: string;
  validFrom: string;
  validUntil?: string | null;
  loggedAt: string;
  supersededAt?: string | null;
  revokedAt?: string | null;
};

/** kyodaku.md §8 step 3: the greater issued_at, ties broken by the greater object id. */
function newer(t: RecordTable, a: number, b: number): boolean {
  const ia = t.issuedAt(a);
  const ib = t.issuedAt(b);
  return ia > ib || (ia === ib && t.idOf(a) > t.idOf(b));
}

function newestInForce(list: readonly AttestationState[], at: string): AttestationState | undefined {
  let found: AttestationState | undefined;
  for (const a of list) {
    if (attestationInForce(a, at) && (found === undefined || a.from >= found.from)) found = a;
  }
  return found;
}
