/**
 * identifier -> int32 as an open-addressing hash table in typed arrays: the keys' bytes in one pool
 * (ASCII, which every normalized url and most identifiers are; other keys go to a plain Map), the
 * table as (entry + 1, hash) pairs probed linearly at a load of at most one half. A million keys
 * cost no heap objects, and a lookup of an absent key (the usual query under opt-in) mostly reads
 * one cache line of the table.
 */

const EMPTY = 0;

/** FNV-1a over the UTF-16 code units; -1 when the string is not ASCII. */
function asciiHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

export class IdentifierTable {
  /** Pairs (entry + 1, hash); capacity a power of two. */
  #table = new Int32Array(2 * 1024);
  #mask = 1023;
  #entries = 0;
  #keyStart = new Uint32Array(512);
  #keyLength = new Uint32Array(512);
  #value = new Int32Array(512);
  #pool = Buffer.alloc(16 * 1024);
  #poolUsed = 0;
  readonly #other = new Map<string, number>();

  get size(): number {
    return this.#entries + this.#other.size;
  }

  #equals(entry: number, key: string): boolean {
    const length = this.#keyLength[entry]!;
    if (length !== key.length) return false;
    const pool = this.#pool;
    const start = this.#keyStart[entry]!;
    for (let i = 0; i < length; i++) if (pool[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** The entry of a key (with its hash), or -1. */
  #find(key: string, hash: number): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let pos = hash & mask; ; pos = (pos + 1) & mask) {
      const e = table[2 * pos]!;
      if (e === EMPTY) return -1;
      if (table[2 * pos + 1] === (hash | 0) && this.#equals(e - 1, key)) return e - 1;
    }
  }

  get(key: string): number | undefined {
    const hash = asciiHash(key);
    if (hash < 0) return this.#other.get(key);
    const e = this.#find(key, hash);
    return e < 0 ? undefined : this.#value[e];
  }

  set(key: string, value: number): void {
    const hash = asciiHash(key);
    if (hash < 0) {
      this.#other.set(key, value);
      return;
    }
    const found = this.#find(key, hash);
    if (found >= 0) {
      this.#value[found] = value;
      return;
    }
    const e = this.#entries++;
    if (e === this.#value.length) this.#growEntries();
    if (this.#poolUsed + key.length > this.#pool.length) this.#growPool(key.length);
    this.#keyStart[e] = this.#poolUsed;
    this.#keyLength[e] = key.length;
    this.#pool.write(key, this.#poolUsed, 'latin1');
    this.#poolUsed += key.length;
    this.#value[e] = value;
    if (2 * this.#entries > this.#mask + 1) this.#rehash();
    this.#place(e, hash | 0);
  }

  /** Every key with its value, in no particular order. */
  *entries(): Generator<[key: string, value: number]> {
    for (let e = 0; e < this.#entries; e++) {
      const start = this.#keyStart[e]!;
      yield [this.#pool.toString('latin1', start, start + this.#keyLength[e]!), this.#value[e]!];
    }
    yield* this.#other;
  }

  #place(entry: number, hash: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let pos = hash & mask;
    while (table[2 * pos] !== EMPTY) pos = (pos + 1) & mask;
    table[2 * pos] = entry + 1;
    table[2 * pos + 1] = hash;
  }

  /** Makes room for `keys` ASCII keys in all (a start-up that knows its record count grows once). */
  reserve(keys: number): void {
    while (this.#value.length < keys) this.#growEntries();
    let slots = this.#mask + 1;
    while (2 * keys > slots) slots *= 2;
    if (slots > this.#mask + 1) this.#rehash(slots);
  }

  #rehash(slots = 2 * (this.#mask + 1)): void {
    const old = this.#table;
    this.#mask = slots - 1;
    this.#table = new Int32Array(2 * slots);
    for (let pos = 0; pos < old.length; pos += 2) {
      if (old[pos] !== EMPTY) this.#place(old[pos]! - 1, old[pos + 1]!);
    }
  }

  #growEntries(): void {
    const n = this.#value.length * 2;
    const grow = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(a);
      return next;
    };
    this.#keyStart = grow(this.#keyStart, (k) => new Uint32Array(k));
    this.#keyLength = grow(this.#keyLength, (k) => new Uint32Array(k));
    this.#value = grow(this.#value, (k) => new Int32Array(k));
  }

  #growPool(atLeast: number): void {
    const pool = Buffer.alloc(Math.max(2 * this.#pool.length, this.#poolUsed + atLeast));
    this.#pool.copy(pool, 0, 0, this.#poolUsed);
    this.#pool = pool;
  }
}
