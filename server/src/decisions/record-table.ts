/**
 * The record states of the decision index in typed arrays, one slot per record: the object id as
 * 32 bytes, and a row of eight float64 (one 64-byte cache line, so a hit touches one line) holding
 * the times as order keys (time-key.ts) and, as int32, the issuer and purposes/conditions profile. About 100 bytes a record and no heap object per record, so that a million records
 * neither fill the heap nor slow the garbage collector.
 */

/** The value of a lowercase hex digit by char code, -1 for any other character. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/**
 * Writes a 64-digit lowercase hex id as 32 bytes at `at`; false (nothing meaningful written) for
 * any other string. One pass instead of a regular expression and Buffer.write (a tenth of the
 * index load at start-up).
 */
function writeHexId(id: string, into: Buffer, at: number): boolean {
  if (id.length !== 64) return false;
  for (let i = 0; i < 32; i++) {
    const hi = id.charCodeAt(2 * i);
    const lo = id.charCodeAt(2 * i + 1);
    const h = hi < 128 ? HEX_VALUE[hi]! : -1;
    const l = lo < 128 ? HEX_VALUE[lo]! : -1;
    if ((h | l) < 0) return false;
    into[at + i] = (h << 4) | l;
  }
  return true;
}

/** Offsets in a row. */
const ISSUED_AT = 0;
const VALID_FROM = 1;
const VALID_UNTIL = 2;
const SUPERSEDED_AT = 3;
const REVOKED_AT = 4;
/** Offset 5 holds issuer and profile (below). */
const LOGGED_AT = 6;
const STRIDE = 8;
/** Offsets in a row seen as int32 (issuer and profile share the row's sixth float64's bytes). */
const ISSUER = 10;
const PROFILE = 11;
const INT_STRIDE = 16;

export interface SlotInput {
  id: string;
  issuer: number;
  profile: number;
  issuedAt: number;
  validFrom: number;
  validUntil: number;
  loggedAt: number;
  supersededAt: number;
  revokedAt: number;
}

export class RecordTable {
  #capacity = 0;
  length = 0;
  #ids = Buffer.alloc(0);
  /** Object ids that are not 64 lowercase hex digits (never from a real signed object). */
  readonly #otherIds = new Map<number, string>();
  #rows = new Float64Array(0);
  /** The same memory as int32, so that small integers read back as integers, not doubles. */
  #ints = new Int32Array(0);

  #grow(): void {
    this.reserve(Math.max(1024, this.#capacity * 2));
  }

  /** Makes room for `capacity` slots in all (a start-up that knows its record count grows once). */
  reserve(capacity: number): void {
    if (capacity <= this.#capacity) return;
    const ids = Buffer.alloc(capacity * 32);
    this.#ids.copy(ids);
    this.#ids = ids;
    const rows = new Float64Array(capacity * STRIDE);
    rows.set(this.#rows);
    this.#rows = rows;
    this.#ints = new Int32Array(rows.buffer);
    this.#capacity = capacity;
  }

  add(r: SlotInput): number {
    if (this.length === this.#capacity) this.#grow();
    const slot = this.length++;
    if (!writeHexId(r.id, this.#ids, slot * 32)) this.#otherIds.set(slot, r.id);
    const row = slot * STRIDE;
    const rows = this.#rows;
    rows[row + ISSUED_AT] = r.issuedAt;
    rows[row + VALID_FROM] = r.validFrom;
    rows[row + VALID_UNTIL] = r.validUntil;
    rows[row + SUPERSEDED_AT] = r.supersededAt;
    rows[row + REVOKED_AT] = r.revokedAt;
    rows[row + LOGGED_AT] = r.loggedAt;
    this.#ints[slot * INT_STRIDE + ISSUER] = r.issuer;
    this.#ints[slot * INT_STRIDE + PROFILE] = r.profile;
    return slot;
  }

  /** The object id of the record in a slot. */
  idOf(slot: number): string {
    if (this.#otherIds.size > 0) {
      const other = this.#otherIds.get(slot);
      if (other !== undefined) return other;
    }
    return this.#ids.toString('hex', slot * 32, slot * 32 + 32);
  }

  issuer(slot: number): number {
    return this.#ints[slot * INT_STRIDE + ISSUER]!;
  }

  profile(slot: number): number {
    return this.#ints[slot * INT_STRIDE + PROFILE]!;
  }

  issuedAt(slot: number): number {
    return this.#rows[slot * STRIDE + ISSUED_AT]!;
  }

  validFrom(slot: number): number {
    return this.#rows[slot * STRIDE + VALID_FROM]!;
  }

  validUntil(slot: number): number {
    return this.#rows[slot * STRIDE + VALID_UNTIL]!;
  }

  loggedAt(slot: number): number {
    return this.#rows[slot * STRIDE + LOGGED_AT]!;
  }

  supersededAt(slot: number): number {
    return this.#rows[slot * STRIDE + SUPERSEDED_AT]!;
  }

  revokedAt(slot: number): number {
    return this.#rows[slot * STRIDE + REVOKED_AT]!;
  }

  setSupersededAt(slot: number, at: number): void {
    this.#rows[slot * STRIDE + SUPERSEDED_AT] = at;
  }

  setValidUntil(slot: number, at: number): void {
    this.#rows[slot * STRIDE + VALID_UNTIL] = at;
  }

  setRevokedAt(slot: number, at: number): void {
    this.#rows[slot * STRIDE + REVOKED_AT] = at;
  }

  /**
   * kyodaku.md §8 step 1 for the record's own times: issued and logged, inside its window, not
   * revoked or superseded.
   */
  inForce(slot: number, at: number): boolean {
    const rows = this.#rows;
    const row = slot * STRIDE;
    return (
      rows[row + ISSUED_AT]! <= at &&
      rows[row + LOGGED_AT]! <= at &&
      rows[row + VALID_FROM]! <= at &&
      at < rows[row + VALID_UNTIL]! &&
      at < rows[row + REVOKED_AT]! &&
      at < rows[row + SUPERSEDED_AT]!
    );
  }
}
