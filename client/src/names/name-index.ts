/**
 * A name index: names by match key (spec/identifiers.md §5.1), each key with the values added under
 * it, and the search for every name inside a text (spec/generation.md REQ-GEN-003). Keys can be
 * added at any time. The keys are covered by a few automata over consecutive ranges of keys, each at
 * least four times smaller than the one before (the logarithmic method): keys added since the last
 * search become a new small automaton, which is merged with the one before it while it is not four
 * times smaller. So adding n keys costs O(n log n) in all, no search rebuilds more than the keys
 * added since the one before (and the small ones it merges), and a search runs O(log n) automata.
 */
import { Automaton } from './automaton.ts';
import { nameKey, type TextKey, textKey } from './name-key.ts';

/** A name found in a text: the key, its span in clusters, code points and UTF-16 code units. */
export interface KeyMatch {
  key: number;
  /** Span in code points (end exclusive). */
  start: number;
  end: number;
  /** Span in UTF-16 code units of the text (end exclusive). */
  startU16: number;
  endU16: number;
}

/** Fewest keys added before the large automaton is rebuilt with them. */
/** Each automaton is at least this many times larger than the one after it. */
const LEVEL_RATIO = 4;

interface Level {
  automaton: Automaton;
  /** The first key it covers, and how many. */
  start: number;
  count: number;
}

export class NameIndex<T> {
  readonly #keys: string[] = [];
  readonly #keyNumber = new Map<string, number>();
  readonly #values: T[][] = [];
  readonly #levels: Level[] = [];
  /** Keys covered by the levels. */
  #covered = 0;
  /** Time spent building automata (ms), for the benchmark. */
  buildMs = 0;

  /** Number of distinct match keys. */
  get size(): number {
    return this.#keys.length;
  }

  /** Adds a value under a name; false (nothing added) when the name's match key is empty. */
  add(name: string, value: T): boolean {
    return this.addKey(nameKey(name), value);
  }

  /** Adds a value under a match key already computed (nameKey); false when it is empty. */
  addKey(key: string, value: T): boolean {
    if (key.length === 0) return false;
    let k = this.#keyNumber.get(key);
    if (k === undefined) {
      k = this.#keys.length;
      this.#keys.push(key);
      this.#keyNumber.set(key, k);
      this.#values.push([value]);
    } else this.#values[k]!.push(value);
    return true;
  }

  /** The number of a match key, if the index has it. */
  keyNumber(key: string): number | undefined {
    return this.#keyNumber.get(key);
  }

  /** The values added under key number k (the array itself: callers may update it in place). */
  valuesOf(k: number): T[] {
    return this.#values[k]!;
  }

  keyOf(k: number): string {
    return this.#keys[k]!;
  }

  /** Builds what searches need now (also done by the first search after an add). */
  build(): void {
    const n = this.#keys.length;
    if (n === this.#covered) return;
    const started = performance.now();
    let start = this.#covered;
    // Merge the new keys with the last levels while those are not LEVEL_RATIO times larger.
    while (this.#levels.length > 0) {
      const last = this.#levels[this.#levels.length - 1]!;
      if (last.count >= LEVEL_RATIO * (n - start)) break;
      this.#levels.pop();
      start = last.start;
    }
    this.#levels.push({ automaton: Automaton.build(this.#keys.slice(start, n)), start, count: n - start });
    this.#covered = n;
    this.buildMs += performance.now() - started;
  }

  /** Bytes held by the automata. */
  get automatonBytes(): number {
    return this.#levels.reduce((sum, l) => sum + l.automaton.byteLength, 0);
  }

  /** How many automata a search runs. */
  get automata(): number {
    return this.#levels.length;
  }

  /** Every occurrence of a name in a text, aligned and bounded as REQ-GEN-003 says, in no order. */
  search(text: string): KeyMatch[] {
    this.build();
    const t = textKey(text);
    const out: KeyMatch[] = [];
    if (t.key.length === 0) return out;
    const keys = this.#keys;
    const found = (offset: number) => (key: number, end: number) => {
      const k = key + offset;
      const match = aligned(t, k, end - keys[k]!.length + 1, end);
      if (match !== undefined) out.push(match);
    };
    for (const level of this.#levels) level.automaton.search(t.key, found(level.start));
    return out;
  }
}

/** The match of key k at key units s..e of a text when REQ-GEN-003 rules 2 and 3 allow it there. */
function aligned(t: TextKey, k: number, s: number, e: number): KeyMatch | undefined {
  const first = t.first[s]!;
  const last = t.last[e]!;
  // Rule 2: not inside the source of a unit (a kana syllable, a merged spelling, a surrogate pair).
  if (s > 0 && t.last[s - 1]! >= first) return undefined;
  if (e + 1 < t.key.length && t.first[e + 1]! <= last) return undefined;
  // Rule 3: no word character on both sides of either end.
  const clusters = t.word.length;
  if (first > 0 && t.word[first - 1] === 1 && t.word[first] === 1) return undefined;
  if (last + 1 < clusters && t.word[last + 1] === 1 && t.word[last] === 1) return undefined;
  return {
    key: k,
    start: t.clusterCp[first]!,
    end: t.clusterCp[last + 1]!,
    startU16: t.clusterU16[first]!,
    endU16: t.clusterU16[last + 1]!,
  };
}
