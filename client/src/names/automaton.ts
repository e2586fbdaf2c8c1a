/**
 * An Aho–Corasick automaton over UTF-16 code units, in typed arrays: the trie's edges sorted per
 * node (compressed rows), failure links and dictionary-suffix links. Built once from a list of
 * distinct non-empty keys; a search is linear in the text plus the occurrences.
 *
 * Memory: about 22 bytes per trie node plus a 256 KiB table of the root's edges, so that the many
 * first characters of Japanese names (thousands of kanji and kana) cost one array read.
 */

export class Automaton {
  /** Edges of node v: `edgeChar/edgeTarget[edgeStart[v] .. edgeStart[v + 1])`, sorted by char. */
  readonly #edgeStart: Int32Array;
  readonly #edgeChar: Uint16Array;
  readonly #edgeTarget: Int32Array;
  /** The root's edges by character (0: none, the root itself). */
  readonly #root: Int32Array;
  readonly #fail: Int32Array;
  /** The nearest proper suffix node that ends a key, or 0. */
  readonly #dict: Int32Array;
  /** The key ending at a node, or -1. */
  readonly #terminal: Int32Array;
  readonly #lengths: Int32Array;
  readonly nodes: number;

  private constructor(parts: {
    edgeStart: Int32Array;
    edgeChar: Uint16Array;
    edgeTarget: Int32Array;
    root: Int32Array;
    fail: Int32Array;
    dict: Int32Array;
    terminal: Int32Array;
    lengths: Int32Array;
  }) {
    this.#edgeStart = parts.edgeStart;
    this.#edgeChar = parts.edgeChar;
    this.#edgeTarget = parts.edgeTarget;
    this.#root = parts.root;
    this.#fail = parts.fail;
    this.#dict = parts.dict;
    this.#terminal = parts.terminal;
    this.#lengths = parts.lengths;
    this.nodes = parts.fail.length;
  }

  /** The bytes of the automaton's arrays. */
  get byteLength(): number {
    return (
      this.#edgeStart.byteLength +
      this.#edgeChar.byteLength +
      this.#edgeTarget.byteLength +
      this.#root.byteLength +
      this.#fail.byteLength +
      this.#dict.byteLength +
      this.#terminal.byteLength +
      this.#lengths.byteLength
    );
  }

  /** Builds the automaton of distinct non-empty keys; key i is reported as i. */
  static build(keys: readonly string[]): Automaton {
    // Insert in sorted order so that each node's children are created in increasing character order.
    const order = Array.from(keys.keys()).sort((a, b) =>
      keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0,
    );
    let capacity = 1024;
    let parent = new Int32Array(capacity);
    let char = new Uint16Array(capacity);
    let terminal = new Int32Array(capacity).fill(-1);
    let count = 1; // node 0 is the root
    const path: number[] = [0]; // path[d] = node at depth d along the previous key
    let previous = '';
    for (const k of order) {
      const key = keys[k]!;
      if (key.length === 0) throw new RangeError('automaton keys must not be empty');
      let common = 0;
      const limit = Math.min(previous.length, key.length);
      while (common < limit && previous.charCodeAt(common) === key.charCodeAt(common)) common++;
      if (common === key.length && common === previous.length)
        throw new RangeError('automaton keys must be distinct');
      path.length = common + 1;
      for (let d = common; d < key.length; d++) {
        if (count === capacity) {
          capacity *= 2;
          const p2 = new Int32Array(capacity);
          p2.set(parent);
          parent = p2;
          const c2 = new Uint16Array(capacity);
          c2.set(char);
          char = c2;
          const t2 = new Int32Array(capacity).fill(-1);
          t2.set(terminal);
          terminal = t2;
        }
        parent[count] = path[d]!;
        char[count] = key.charCodeAt(d);
        path.push(count);
        count++;
      }
      terminal[path[key.length]!] = k;
      previous = key;
    }
    // Compressed rows: a stable counting sort of the nodes by parent keeps each row sorted by char.
    const edgeStart = new Int32Array(count + 1);
    for (let v = 1; v < count; v++) edgeStart[parent[v]! + 1]!++;
    for (let v = 0; v < count; v++) edgeStart[v + 1]! += edgeStart[v]!;
    const edgeChar = new Uint16Array(Math.max(count - 1, 0));
    const edgeTarget = new Int32Array(Math.max(count - 1, 0));
    const fill = edgeStart.slice(0, count);
    for (let v = 1; v < count; v++) {
      const at = fill[parent[v]!]!++;
      edgeChar[at] = char[v]!;
      edgeTarget[at] = v;
    }
    const root = new Int32Array(65_536);
    for (let e = edgeStart[0]!; e < edgeStart[1]!; e++) root[edgeChar[e]!] = edgeTarget[e]!;
    const automaton = new Automaton({
      edgeStart,
      edgeChar,
      edgeTarget,
      root,
      fail: new Int32Array(count),
      dict: new Int32Array(count),
      terminal: terminal.slice(0, count),
      lengths: Int32Array.from(keys, (k) => k.length),
    });
    automaton.#link();
    return automaton;
  }

  /** The child of node v by character x, or -1. */
  #goto(v: number, x: number): number {
    if (v === 0) {
      const t = this.#root[x]!;
      return t === 0 ? -1 : t;
    }
    let lo = this.#edgeStart[v]!;
    let hi = this.#edgeStart[v + 1]! - 1;
    const chars = this.#edgeChar;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = chars[mid]!;
      if (c === x) return this.#edgeTarget[mid]!;
      if (c < x) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Failure and dictionary links, breadth first. */
  #link(): void {
    const fail = this.#fail;
    const dict = this.#dict;
    const terminal = this.#terminal;
    const queue = new Int32Array(this.nodes);
    let head = 0;
    let tail = 0;
    for (let e = this.#edgeStart[0]!; e < this.#edgeStart[1]!; e++) {
      const child = this.#edgeTarget[e]!;
      fail[child] = 0;
      dict[child] = 0;
      queue[tail++] = child;
    }
    while (head < tail) {
      const v = queue[head++]!;
      for (let e = this.#edgeStart[v]!; e < this.#edgeStart[v + 1]!; e++) {
        const child = this.#edgeTarget[e]!;
        const x = this.#edgeChar[e]!;
        let f = fail[v]!;
        let next = this.#goto(f, x);
        while (next < 0 && f !== 0) {
          f = fail[f]!;
          next = this.#goto(f, x);
        }
        const target = next < 0 ? 0 : next;
        fail[child] = target;
        dict[child] = terminal[target]! >= 0 ? target : dict[target]!;
        queue[tail++] = child;
      }
    }
  }

  /** Calls `found(key, end)` for every occurrence of a key in `text`, `end` being its last code unit. */
  search(text: string, found: (key: number, end: number) => void): void {
    const terminal = this.#terminal;
    const dict = this.#dict;
    const fail = this.#fail;
    const root = this.#root;
    let v = 0;
    for (let i = 0; i < text.length; i++) {
      const x = text.charCodeAt(i);
      let next = v === 0 ? root[x]! : this.#goto(v, x);
      while (next < 0) {
        v = fail[v]!;
        next = v === 0 ? root[x]! : this.#goto(v, x);
      }
      v = next;
      let t = terminal[v]! >= 0 ? v : dict[v]!;
      while (t !== 0) {
        found(terminal[t]!, i);
        t = dict[t]!;
      }
    }
  }

  /** The length (UTF-16 code units) of key k. */
  keyLength(k: number): number {
    return this.#lengths[k]!;
  }
}
