/**
 * The name index of the generation profile (spec/generation.md §3–§5): every title and alias of
 * every record the node holds, own and followed, whatever its status, by match key; the items they
 * name (a record's `work.ids` as a set); and the links of `work.related`. Kept in step with every
 * accepted record through the decision index (DecisionIndex.onRecord) and loaded at start-up, so
 * that a prompt check never touches the database.
 */
import { type ConsentRecord, NameIndex, nameKey, type Work } from '@kyodaku/client';

/** An item: the identifiers of a record's work (ascending), and the type of its newest record with names. */
export interface Item {
  ids: readonly string[];
  type: Work['type'];
  /** `issued_at` of the record the type was taken from. */
  typeAt: string;
  /** itemJson, once made. */
  json?: string;
  /** The ids joined by line feeds, once made: the order of REQ-GEN-004. */
  sortKey?: string;
}

/** A name of an item as some records write it. */
interface NameEntry {
  item: number;
  name: string;
  lang: string;
  /** Ids of the records that have the name for the item, ascending. */
  records: string[];
}

/** A name found in a text, for one item (the item named, or one reached by a link). */
export interface ItemMatch {
  start: number;
  end: number;
  startU16: number;
  endU16: number;
  item: number;
  entry: NameEntry;
  /** The item whose name was found, when this match was reached by a link. */
  via?: number;
}

const itemKey = (ids: readonly string[]) => [...ids].sort().join('\n');

export class GenerationIndex {
  readonly #names = new NameIndex<NameEntry>();
  readonly #items: Item[] = [];
  readonly #itemNumber = new Map<string, number>();
  /** identifier -> items whose records list it in `work.related`. */
  readonly #relatedBy = new Map<string, number[]>();
  /** Records already added (a record can reach the index twice: own and followed). */
  readonly #seen = new Set<string>();
  #nameCount = 0;

  /** Distinct names (per item and match key). */
  get names(): number {
    return this.#nameCount;
  }

  get items(): number {
    return this.#items.length;
  }

  /** The match keys' automata: size in bytes and the time spent building them. */
  get automaton(): { bytes: number; buildMs: number; keys: number } {
    return { bytes: this.#names.automatonBytes, buildMs: this.#names.buildMs, keys: this.#names.size };
  }

  item(n: number): Item {
    return this.#items[n]!;
  }

  /** The item as it is answered, `{"type":…,"ids":[…]}` (kept until its type changes). */
  itemJson(n: number): string {
    const item = this.#items[n]!;
    item.json ??= JSON.stringify({ type: item.type, ids: item.ids });
    return item.json;
  }

  /** Resolves once the names of the records held at start-up are in (name-loader.ts). */
  ready: Promise<void> = Promise.resolve();

  /**
   * Adds the names, item and links of a record (own or followed), once per record id. A record
   * without titles, aliases or links adds nothing: most records of a large registry name files and
   * URLs, and cost no memory here.
   */
  addRecord(id: string, record: Pick<ConsentRecord, 'work' | 'issued_at'>): void {
    const work = record.work;
    if (work.titles === undefined && work.aliases === undefined && work.related === undefined) return;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    const item = this.#item(work, record.issued_at);
    for (const [lang, name] of Object.entries(work.titles ?? {})) this.#addName(item, id, lang, name);
    for (const [lang, names] of Object.entries(work.aliases ?? {}))
      for (const name of names) this.#addName(item, id, lang, name);
    for (const related of work.related ?? []) {
      const list = this.#relatedBy.get(related);
      if (list === undefined) this.#relatedBy.set(related, [item]);
      else if (!list.includes(item)) list.push(item);
    }
  }

  #item(work: Work, issuedAt: string): number {
    const key = itemKey(work.ids);
    let n = this.#itemNumber.get(key);
    if (n === undefined) {
      n = this.#items.length;
      this.#items.push({ ids: [...work.ids].sort(), type: work.type, typeAt: issuedAt });
      this.#itemNumber.set(key, n);
    } else {
      const item = this.#items[n]!;
      if (issuedAt > item.typeAt) {
        item.type = work.type;
        item.typeAt = issuedAt;
        delete item.json;
      }
    }
    return n;
  }

  #addName(item: number, record: string, lang: string, name: string): void {
    const entry: NameEntry = { item, name, lang, records: [record] };
    const key = nameKey(name);
    if (key.length === 0) return;
    const k = this.#names.keyNumber(key);
    if (k !== undefined) {
      const same = this.#names.valuesOf(k).find((e) => e.item === item);
      if (same !== undefined) {
        if (!same.records.includes(record)) {
          same.records.push(record);
          same.records.sort();
        }
        return;
      }
    }
    this.#names.addKey(key, entry);
    this.#nameCount++;
  }

  /** Builds the automata for the names added since the last check (done by `find` too). */
  build(): void {
    this.#names.build();
  }

  /**
   * Every match of REQ-GEN-003, for the items named and those reached by a link (REQ-GEN-005),
   * less those contained in a longer match of the same item, in the order of REQ-GEN-004.
   */
  find(text: string): ItemMatch[] {
    const found: ItemMatch[] = [];
    for (const m of this.#names.search(text)) {
      for (const entry of this.#names.valuesOf(m.key)) {
        found.push({
          start: m.start,
          end: m.end,
          startU16: m.startU16,
          endU16: m.endU16,
          item: entry.item,
          entry,
        });
      }
    }
    if (this.#relatedBy.size > 0) {
      const direct = found.length;
      for (let i = 0; i < direct; i++) {
        const m = found[i]!;
        for (const id of this.#items[m.item]!.ids) {
          for (const linked of this.#relatedBy.get(id) ?? []) {
            if (linked !== m.item) found.push({ ...m, item: linked, via: m.item });
          }
        }
      }
    }
    return this.#order(this.#outermost(found));
  }

  /** Leaves out a match contained in a longer match of the same item (REQ-GEN-004). */
  #outermost(found: ItemMatch[]): ItemMatch[] {
    // Per item by start, longer first; of equal spans the direct match (no via) first, then the
    // item it was reached from: the first is kept, the others are contained in it.
    found.sort(
      (a, b) => a.item - b.item || a.start - b.start || b.end - a.end || (a.via ?? -1) - (b.via ?? -1),
    );
    const out: ItemMatch[] = [];
    let item = -1;
    let maxEnd = -1;
    for (const m of found) {
      if (m.item !== item) {
        item = m.item;
        maxEnd = -1;
      }
      if (m.end <= maxEnd) continue;
      maxEnd = m.end;
      out.push(m);
    }
    return out;
  }

  #order(found: ItemMatch[]): ItemMatch[] {
    // Identifiers are printable ASCII: joined by a line feed they compare as lists.
    const ids = (m: ItemMatch) => {
      const item = this.#items[m.item]!;
      item.sortKey ??= item.ids.join('\n');
      return item.sortKey;
    };
    return found.sort((a, b) => {
      if (a.start !== b.start) return a.start - b.start;
      if (a.end !== b.end) return b.end - a.end;
      const ia = ids(a);
      const ib = ids(b);
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
  }
}
