/**
 * The record states of the decision index in typed-array columns, one slot per record: the object
 * id as 32 bytes, the issuer and the purposes/conditions profile as small integers, the times as
 * order keys (time-key.ts). About 80 bytes a record and no heap object per record, so that a
 * million records neither fill the heap nor slow the garbage collector.
 */

const HEX_ID = /^[0-9a-f]{64}$/;

export interface SlotInput {
  id: string;
  issuer: number;
  profile: number;
  issuedAt: number;
  validFrom: number;
  validUntil: number;
  supersededAt: number;
  revokedAt: number;
}

export class RecordTable {
  #capacity = 0;
  length = 0;
  #ids = Buffer.alloc(0);
  /** Object ids that are not 64 lowercase hex digits (never from a real signed object). */
  readonly #otherIds = new Map<number, string>();
  issuer = new Int32Array(0);
  profile = new Int32Array(0);
  issuedAt = new Float64Array(0);
  validFrom = new Float64Array(0);
  validUntil = new Float64Array(0);
  supersededAt = new Float64Array(0);
  revokedAt = new Float64Array(0);

  #grow(): void {
    const capacity = Math.max(1024, this.#capacity * 2);
    const ids = Buffer.alloc(capacity * 32);
    this.#ids.copy(ids);
    this.#ids = ids;
    const grow = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.issuer = grow(this.issuer, (n) => new Int32Array(n));
    this.profile = grow(this.profile, (n) => new Int32Array(n));
    this.issuedAt = grow(this.issuedAt, (n) => new Float64Array(n));
    this.validFrom = grow(this.validFrom, (n) => new Float64Array(n));
    this.validUntil = grow(this.validUntil, (n) => new Float64Array(n));
    this.supersededAt = grow(this.supersededAt, (n) => new Float64Array(n));
    this.revokedAt = grow(this.revokedAt, (n) => new Float64Array(n));
    this.#capacity = capacity;
  }

  add(r: SlotInput): number {
    if (this.length === this.#capacity) this.#grow();
    const slot = this.length++;
    if (HEX_ID.test(r.id)) this.#ids.write(r.id, slot * 32, 32, 'hex');
    else this.#otherIds.set(slot, r.id);
    this.issuer[slot] = r.issuer;
    this.profile[slot] = r.profile;
    this.issuedAt[slot] = r.issuedAt;
    this.validFrom[slot] = r.validFrom;
    this.validUntil[slot] = r.validUntil;
    this.supersededAt[slot] = r.supersededAt;
    this.revokedAt[slot] = r.revokedAt;
    return slot;
  }

  /** The object id of the record in a slot. */
  idOf(slot: number): string {
    return this.#otherIds.get(slot) ?? this.#ids.toString('hex', slot * 32, slot * 32 + 32);
  }

  /** kyodaku.md §8 step 1 for the record's own times: issued, inside its window, not revoked or superseded. */
  inForce(slot: number, at: number): boolean {
    return (
      this.issuedAt[slot]! <= at &&
      this.validFrom[slot]! <= at &&
      at < this.validUntil[slot]! &&
      at < this.revokedAt[slot]! &&
      at < this.supersededAt[slot]!
    );
  }
}
