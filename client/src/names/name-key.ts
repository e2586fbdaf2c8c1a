/**
 * Match keys of names and texts (spec/identifiers.md §5.1, REQ-ID-035..038): folding that also
 * romanizes kana, drops separators and punctuation and merges common romaji spellings, keeping for
 * every character of the key the clusters of the input it came from, so that a match in the key is
 * a span of the input.
 */
import {
  consonantPart,
  isVowel,
  KANA_ROMAJI,
  PROLONGED_SOUND_MARK,
  SMALL_TSU,
  SMALL_VOWEL,
  SMALL_Y,
} from './kana.ts';

/** The match key of a text, with the source of each of its UTF-16 code units. */
export interface TextKey {
  /** The match key. */
  key: string;
  /** Per UTF-16 code unit of `key`: the first and last cluster of its unit's source. */
  first: Int32Array;
  last: Int32Array;
  /** Per cluster, and one more for the end: its offset in code points and in UTF-16 code units. */
  clusterCp: Int32Array;
  clusterU16: Int32Array;
  /** Per cluster: 1 when its first code point is a word character (spec/generation.md REQ-GEN-003). */
  word: Uint8Array;
  /** Per cluster: its script class for the honorific rule (0 other, 1 Latin, 2 kana, 3 Han). */
  script: Uint8Array;
}

const IS_MARK = /^\p{M}$/u;
const REMOVED = /^[\p{White_Space}\p{P}\p{S}\p{Cc}\p{Cf}]$/u;
const WORD = /^(?:\p{Nd}|(?=\p{L})[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Hangul}])$/u;
const KANA = /^[\p{Script=Hiragana}\p{Script=Katakana}\u30FC\uFF70]$/u;
const HAN = /^\p{Script=Han}$/u;
const LATIN = /^\p{Script=Latin}$/u;
const DIACRITICS = /[\u0300-\u036F]/g;
const HAS_DIACRITIC = /[\u0300-\u036F]/;

interface FoldedCluster {
  /** The code points the cluster folds to after steps 2 to 4. */
  cps: number[];
  word: boolean;
  script: number;
}

const CACHE_LIMIT = 65_536;
let cache = new Map<string, FoldedCluster>();
/** Clusters of one BMP code point, folded, by code point (most clusters are one code point). */
const single: Array<FoldedCluster | undefined> = new Array(65_536);

/** BMP code points that continue a cluster (marks and the halfwidth voiced sound marks). */
const CONTINUES = (() => {
  const table = new Uint8Array(65_536);
  for (let cp = 0x300; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (cp === 0xff9e || cp === 0xff9f || IS_MARK.test(String.fromCharCode(cp))) table[cp] = 1;
  }
  return table;
})();

function scriptClass(cp: string): number {
  if (LATIN.test(cp)) return 1;
  if (KANA.test(cp)) return 2;
  if (HAN.test(cp)) return 3;
  return 0;
}

/** Steps 2 to 4 of REQ-ID-035 for one cluster (not ASCII). */
function foldCluster(cluster: string): FoldedCluster {
  let found = cache.get(cluster);
  if (found !== undefined) return found;
  let s = cluster
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replaceAll('\u03C2', '\u03C3');
  const decomposed = s.normalize('NFD');
  if (HAS_DIACRITIC.test(decomposed)) s = decomposed.replace(DIACRITICS, '').normalize('NFC');
  const cps: number[] = [];
  for (const c of s) if (!REMOVED.test(c)) cps.push(c.codePointAt(0)!);
  const base = String.fromCodePoint(cluster.codePointAt(0)!);
  found = { cps, word: WORD.test(base), script: scriptClass(base) };
  if (cache.size >= CACHE_LIMIT) cache = new Map();
  cache.set(cluster, found);
  return found;
}

const isClusterContinuation = (cp: number): boolean =>
  cp < 0x10000 ? CONTINUES[cp] === 1 : IS_MARK.test(String.fromCodePoint(cp));

/** Units under construction: code point, first and last cluster of the source (reused buffers). */
class Units {
  cp = new Int32Array(1024);
  first = new Int32Array(1024);
  last = new Int32Array(1024);
  n = 0;

  reset(): this {
    this.n = 0;
    return this;
  }

  push(cp: number, first: number, last: number): void {
    if (this.n === this.cp.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.cp = grow(this.cp);
      this.first = grow(this.first);
      this.last = grow(this.last);
    }
    this.cp[this.n] = cp;
    this.first[this.n] = first;
    this.last[this.n] = last;
    this.n++;
  }

  pushLetters(letters: string, first: number, last: number): void {
    for (let k = 0; k < letters.length; k++) this.push(letters.charCodeAt(k), first, last);
  }

  adjacent(a: number, b: number): boolean {
    return this.first[b]! <= this.last[a]! + 1;
  }
}

/** Per-cluster facts of the text being folded (reused buffers). */
class Clusters {
  cp = new Int32Array(1024);
  u16 = new Int32Array(1024);
  word = new Uint8Array(1024);
  script = new Uint8Array(1024);
  n = 0;

  push(cp: number, u16: number, word: number, script: number): void {
    if (this.n === this.cp.length) {
      const size = this.cp.length * 2;
      const i32 = (a: Int32Array) => {
        const b = new Int32Array(size);
        b.set(a);
        return b;
      };
      const u8 = (a: Uint8Array) => {
        const b = new Uint8Array(size);
        b.set(a);
        return b;
      };
      this.cp = i32(this.cp);
      this.u16 = i32(this.u16);
      this.word = u8(this.word);
      this.script = u8(this.script);
    }
    this.cp[this.n] = cp;
    this.u16[this.n] = u16;
    this.word[this.n] = word;
    this.script[this.n] = script;
    this.n++;
  }
}

const folded = new Units();
const romanized = new Units();
const normalized = new Units();
const clusters = new Clusters();

/** Steps 1 to 4 into `folded` and `clusters`: clusters, folded, without separators and symbols. */
function foldClusters(text: string): void {
  const units = folded.reset();
  clusters.n = 0;
  let cpIndex = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = i;
    const c = text.charCodeAt(i);
    const cluster = clusters.n;
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    const startCp = cpIndex;
    cpIndex++;
    while (i < n) {
      const next = text.charCodeAt(i);
      if (next < 0x300) break;
      const cp = next >= 0xd800 && next <= 0xdbff ? text.codePointAt(i)! : next;
      if (!isClusterContinuation(cp)) break;
      i += cp > 0xffff ? 2 : 1;
      cpIndex++;
    }
    if (i - start === 1 && c < 0x80) {
      // ASCII: letters and digits are kept (lowercase), everything else is punctuation, symbol,
      // space or control.
      const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
      const letter = lower >= 0x61 && lower <= 0x7a;
      const alnum = letter || (c >= 0x30 && c <= 0x39);
      clusters.push(startCp, start, alnum ? 1 : 0, letter ? 1 : 0);
      if (alnum) units.push(lower, cluster, cluster);
      continue;
    }
    let f: FoldedCluster;
    if (i - start === 1) {
      f = single[c] ?? foldCluster(text[start]!);
      single[c] = f;
    } else f = foldCluster(text.slice(start, i));
    clusters.push(startCp, start, f.word ? 1 : 0, f.script);
    for (let k = 0; k < f.cps.length; k++) units.push(f.cps[k]!, cluster, cluster);
  }
  clusters.push(cpIndex, n, 0, 0);
  clusters.n--; // the end entry is kept past n
}

/** Kana romanization by code point offset from U+3041 (REQ-ID-036 table). */
const KANA_BASE = 0x3041;
const KANA_TABLE: Array<string | undefined> = (() => {
  const table: Array<string | undefined> = new Array(0x30fb - KANA_BASE).fill(undefined);
  for (const [cp, r] of KANA_ROMAJI) table[cp - KANA_BASE] = r;
  return table;
})();
const romajiOf = (cp: number): string | undefined =>
  cp >= KANA_BASE && cp < 0x30fb ? KANA_TABLE[cp - KANA_BASE] : undefined;

let syllable = '';
/** A kana syllable at `k` (rules 2 to 4 of REQ-ID-036) into `syllable`; the units it takes, or 0. */
function syllableAt(u: Units, k: number): number {
  const cp = u.cp[k]!;
  const romaji = romajiOf(cp);
  if (romaji === undefined) return 0;
  if (k + 1 < u.n && u.adjacent(k, k + 1)) {
    const next = u.cp[k + 1]!;
    const y = SMALL_Y.get(next);
    if (y !== undefined && romaji.length >= 2 && romaji.endsWith('i') && !SMALL_Y.has(cp)) {
      const stem = romaji.slice(0, -1);
      const soft = stem.endsWith('sh') || stem.endsWith('ch') || stem.endsWith('j');
      syllable = stem + (soft ? '' : 'y') + y;
      return 2;
    }
    const v = SMALL_VOWEL.get(next);
    const consonant = v === undefined ? undefined : consonantPart(cp);
    if (consonant !== undefined) {
      syllable = consonant + v;
      return 2;
    }
  }
  syllable = romaji;
  return 1;
}

/** Step 5: romanize the kana of each run (REQ-ID-036), from `folded` into `romanized`. */
function romanize(): void {
  const u = folded;
  const out = romanized.reset();
  let lastLetter = -1;
  const n = u.n;
  for (let k = 0; k < n; ) {
    if (k > 0 && !u.adjacent(k - 1, k)) lastLetter = -1;
    const cp = u.cp[k]!;
    if (cp < KANA_BASE) {
      out.push(cp, u.first[k]!, u.last[k]!);
      lastLetter = cp;
      k++;
      continue;
    }
    if (cp === SMALL_TSU) {
      const take = k + 1 < n && u.adjacent(k, k + 1) ? syllableAt(u, k + 1) : 0;
      if (take === 0) {
        k++;
        continue;
      }
      const head = syllable[0]!;
      const letters = isVowel(head) ? syllable : head + syllable;
      out.pushLetters(letters, u.first[k]!, u.last[k + take]!);
      lastLetter = letters.charCodeAt(letters.length - 1);
      k += 1 + take;
      continue;
    }
    if (cp === PROLONGED_SOUND_MARK) {
      if (
        lastLetter === 0x61 ||
        lastLetter === 0x69 ||
        lastLetter === 0x75 ||
        lastLetter === 0x65 ||
        lastLetter === 0x6f
      )
        out.push(lastLetter, u.first[k]!, u.last[k]!);
      k++;
      continue;
    }
    const take = syllableAt(u, k);
    if (take > 0) {
      out.pushLetters(syllable, u.first[k]!, u.last[k + take - 1]!);
      lastLetter = syllable.charCodeAt(syllable.length - 1);
      k += take;
      continue;
    }
    out.push(cp, u.first[k]!, u.last[k]!);
    lastLetter = cp;
    k++;
  }
}

const isAsciiLetter = (cp: number): boolean => cp >= 0x61 && cp <= 0x7a;
const isVowelCode = (c: number): boolean =>
  c === 0x61 || c === 0x65 || c === 0x69 || c === 0x6f || c === 0x75;

// Letters (char codes) used by the rewrite rules.
const A = 0x61;
const B = 0x62;
const C = 0x63;
const D = 0x64;
const H = 0x68;
const I = 0x69;
const J = 0x6a;
const M = 0x6d;
const O = 0x6f;
const P = 0x70;
const S = 0x73;
const T = 0x74;
const U = 0x75;
const Y = 0x79;
const Z = 0x7a;

let rewrite = '';
/** The rewrite at position k of the word u[k..end) (rules 1 to 5 of REQ-ID-037) into `rewrite`; letters read. */
function rewriteAt(u: Units, k: number, end: number): number {
  const a = u.cp[k]!;
  const b = k + 1 < end ? u.cp[k + 1]! : -1;
  const c = k + 2 < end ? u.cp[k + 2]! : -1;
  if (a === T && b === C && c === H) {
    rewrite = 'cch';
    return 3;
  }
  if (b === Y && (c === A || c === U || c === O)) {
    const v = String.fromCharCode(c);
    if (a === S) {
      rewrite = `sh${v}`;
      return 3;
    }
    if (a === T || a === C) {
      rewrite = `ch${v}`;
      return 3;
    }
    if (a === Z || a === J || a === D) {
      rewrite = `j${v}`;
      return 3;
    }
  }
  if ((a === S || a === C || a === T) && b === H) {
    rewrite = a === S ? 'sh' : a === C ? 'ch' : 'th';
    return 2;
  }
  if (a === T && b === S) {
    rewrite = 'ts';
    return 2;
  }
  if (b === I) {
    if (a === S) {
      rewrite = 'shi';
      return 2;
    }
    if (a === T) {
      rewrite = 'chi';
      return 2;
    }
    if (a === Z || a === D) {
      rewrite = 'ji';
      return 2;
    }
  }
  if (b === U) {
    if (a === T) {
      rewrite = 'tsu';
      return 2;
    }
    if (a === H) {
      rewrite = 'fu';
      return 2;
    }
    if (a === D) {
      rewrite = 'zu';
      return 2;
    }
  }
  if (a === M && (b === B || b === M || b === P)) {
    rewrite = 'n';
    return 1;
  }
  rewrite = '';
  return 1;
}

/** Step 6: normalize the romanization of each word (REQ-ID-037), from `romanized` into `normalized`. */
function normalizeWords(): void {
  const u = romanized;
  const out = normalized.reset();
  const n = u.n;
  let k = 0;
  while (k < n) {
    if (!isAsciiLetter(u.cp[k]!)) {
      out.push(u.cp[k]!, u.first[k]!, u.last[k]!);
      k++;
      continue;
    }
    // One word: ASCII letters of one run.
    let end = k + 1;
    while (end < n && isAsciiLetter(u.cp[end]!) && u.adjacent(end - 1, end)) end++;
    let lastAppended = -1;
    for (let p = k; p < end; ) {
      const first = u.first[p]!;
      const letter = u.cp[p]!;
      // Rule 6: h after an appended o, not before a vowel, joins the o.
      if (letter === H && lastAppended === O && !(p + 1 < end && isVowelCode(u.cp[p + 1]!))) {
        join(out, first, u.last[p]!);
        p++;
        continue;
      }
      const read = rewriteAt(u, p, end);
      const last = u.last[p + read - 1]!;
      const count = rewrite === '' ? 1 : rewrite.length;
      for (let j = 0; j < count; j++) {
        const l = rewrite === '' ? letter : rewrite.charCodeAt(j);
        // A vowel after the same vowel, or u after o, is dropped: its source joins the letter before.
        if (
          lastAppended >= 0 &&
          ((isVowelCode(l) && l === lastAppended) || (l === U && lastAppended === O))
        ) {
          join(out, first, last);
          continue;
        }
        out.push(l, first, last);
        lastAppended = l;
      }
      p += read;
    }
    k = end;
  }
}

/** A dropped letter's source joins the last unit written. */
function join(out: Units, first: number, last: number): void {
  const p = out.n - 1;
  if (out.first[p]! > first) out.first[p] = first;
  if (out.last[p]! < last) out.last[p] = last;
}

function keyOf(units: Units): { key: string; first: Int32Array; last: Int32Array } {
  let length = 0;
  for (let k = 0; k < units.n; k++) length += units.cp[k]! > 0xffff ? 2 : 1;
  const codes = new Uint16Array(length);
  const first = new Int32Array(length);
  const last = new Int32Array(length);
  let p = 0;
  for (let k = 0; k < units.n; k++) {
    const cp = units.cp[k]!;
    if (cp > 0xffff) {
      codes[p] = 0xd800 + ((cp - 0x10000) >> 10);
      codes[p + 1] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      first[p] = first[p + 1] = units.first[k]!;
      last[p] = last[p + 1] = units.last[k]!;
      p += 2;
    } else {
      codes[p] = cp;
      first[p] = units.first[k]!;
      last[p] = units.last[k]!;
      p++;
    }
  }
  let key = '';
  for (let at = 0; at < length; at += 4096) key += String.fromCharCode(...codes.subarray(at, at + 4096));
  return { key, first, last };
}

/** The match key of a text (REQ-ID-035), with the source of every character of the key. */
export function textKey(text: string): TextKey {
  foldClusters(text);
  romanize();
  normalizeWords();
  const n = clusters.n;
  return {
    ...keyOf(normalized),
    clusterCp: clusters.cp.slice(0, n + 1),
    clusterU16: clusters.u16.slice(0, n + 1),
    word: clusters.word.slice(0, n),
    script: clusters.script.slice(0, n),
  };
}

/** Honorifics (REQ-ID-038), as match keys. */
export const HONORIFICS: readonly string[] = [
  'san',
  'kun',
  'chan',
  'sama',
  'senpai',
  'sensei',
  'dono',
  'tan',
  '様',
  '殿',
  '君',
  '氏',
  '嬢',
  '先生',
  '先輩',
];

/** The match key of a name: REQ-ID-035, then without a trailing honorific written apart (REQ-ID-038). */
export function nameKey(name: string): string {
  const k = textKey(name);
  for (const h of HONORIFICS) {
    const at = k.key.length - h.length;
    if (at <= 0 || !k.key.endsWith(h)) continue;
    const before = k.last[at - 1]!;
    const start = k.first[at]!;
    const apart = start > before + 1 || differentScripts(k.script[start]!, k.script[before]!);
    if (apart && start > before) return k.key.slice(0, at);
  }
  return k.key;
}

function differentScripts(a: number, b: number): boolean {
  return a !== 0 && b !== 0 && a !== b;
}
