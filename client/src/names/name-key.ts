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

/** Units under construction: code point, first and last cluster of the source. */
interface Units {
  cp: number[];
  first: number[];
  last: number[];
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
  cp >= 0x300 && (cp === 0xff9e || cp === 0xff9f || IS_MARK.test(String.fromCodePoint(cp)));

/** Steps 1 to 4: clusters, folded, without separators, punctuation and symbols. */
function foldClusters(text: string): {
  units: Units;
  clusterCp: number[];
  clusterU16: number[];
  word: number[];
  script: number[];
} {
  const units: Units = { cp: [], first: [], last: [] };
  const clusterCp: number[] = [];
  const clusterU16: number[] = [];
  const word: number[] = [];
  const script: number[] = [];
  let cpIndex = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = i;
    const c = text.charCodeAt(i);
    const cluster = clusterCp.length;
    clusterCp.push(cpIndex);
    clusterU16.push(start);
    // Read one code point, then its continuation marks.
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    cpIndex++;
    while (i < n) {
      const next = text.codePointAt(i)!;
      if (!isClusterContinuation(next)) break;
      i += next > 0xffff ? 2 : 1;
      cpIndex++;
    }
    if (i - start === 1 && c < 0x80) {
      // ASCII: letters and digits are kept (lowercase), everything else is punctuation, symbol,
      // space or control.
      const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
      const alnum = (lower >= 0x61 && lower <= 0x7a) || (c >= 0x30 && c <= 0x39);
      word.push(alnum ? 1 : 0);
      script.push(alnum && lower >= 0x61 ? 1 : 0);
      if (alnum) {
        units.cp.push(lower);
        units.first.push(cluster);
        units.last.push(cluster);
      }
      continue;
    }
    const folded = foldCluster(text.slice(start, i));
    word.push(folded.word ? 1 : 0);
    script.push(folded.script);
    for (const cp of folded.cps) {
      units.cp.push(cp);
      units.first.push(cluster);
      units.last.push(cluster);
    }
  }
  clusterCp.push(cpIndex);
  clusterU16.push(n);
  return { units, clusterCp, clusterU16, word, script };
}

const adjacent = (u: Units, a: number, b: number): boolean => u.first[b]! <= u.last[a]! + 1;

function push(out: Units, cp: number, first: number, last: number): void {
  out.cp.push(cp);
  out.first.push(first);
  out.last.push(last);
}

function pushLetters(out: Units, letters: string, first: number, last: number): void {
  for (let k = 0; k < letters.length; k++) push(out, letters.charCodeAt(k), first, last);
}

/** A kana syllable at `k` (rules 2 to 4 of REQ-ID-036): its romanization and the units it takes. */
function syllableAt(u: Units, k: number): { romaji: string; take: number } | undefined {
  const cp = u.cp[k]!;
  const romaji = KANA_ROMAJI.get(cp);
  if (romaji === undefined) return undefined;
  const hasNext = k + 1 < u.cp.length && adjacent(u, k, k + 1);
  if (hasNext) {
    const next = u.cp[k + 1]!;
    const y = SMALL_Y.get(next);
    if (y !== undefined && romaji.length >= 2 && romaji.endsWith('i') && !SMALL_Y.has(cp)) {
      const stem = romaji.slice(0, -1);
      const soft = stem.endsWith('sh') || stem.endsWith('ch') || stem.endsWith('j');
      return { romaji: stem + (soft ? '' : 'y') + y, take: 2 };
    }
    const v = SMALL_VOWEL.get(next);
    const consonant = v === undefined ? undefined : consonantPart(cp);
    if (consonant !== undefined) return { romaji: consonant + v, take: 2 };
  }
  return { romaji, take: 1 };
}

/** Step 5: romanize the kana of each run (REQ-ID-036). */
function romanize(u: Units): Units {
  const out: Units = { cp: [], first: [], last: [] };
  let lastLetter = -1;
  const n = u.cp.length;
  for (let k = 0; k < n; ) {
    if (k > 0 && !adjacent(u, k - 1, k)) lastLetter = -1;
    const cp = u.cp[k]!;
    if (cp === SMALL_TSU) {
      const s = k + 1 < n && adjacent(u, k, k + 1) ? syllableAt(u, k + 1) : undefined;
      if (s === undefined) {
        k++;
        continue;
      }
      const head = s.romaji[0]!;
      const letters = isVowel(head) ? s.romaji : head + s.romaji;
      pushLetters(out, letters, u.first[k]!, u.last[k + s.take]!);
      lastLetter = letters.charCodeAt(letters.length - 1);
      k += 1 + s.take;
      continue;
    }
    if (cp === PROLONGED_SOUND_MARK) {
      if (isVowel(lastLetter < 0 ? undefined : String.fromCharCode(lastLetter))) {
        push(out, lastLetter, u.first[k]!, u.last[k]!);
      }
      k++;
      continue;
    }
    const s = syllableAt(u, k);
    if (s !== undefined) {
      pushLetters(out, s.romaji, u.first[k]!, u.last[k + s.take - 1]!);
      lastLetter = s.romaji.charCodeAt(s.romaji.length - 1);
      k += s.take;
      continue;
    }
    push(out, cp, u.first[k]!, u.last[k]!);
    lastLetter = cp;
    k++;
  }
  return out;
}

const isAsciiLetter = (cp: number | undefined): boolean => cp !== undefined && cp >= 0x61 && cp <= 0x7a;
const VOWEL_CODES = new Set([0x61, 0x65, 0x69, 0x6f, 0x75]);

/** The rewrite at position k of a word (rules 1 to 5 of REQ-ID-037): letters written and letters read. */
function rewriteAt(w: string, k: number): [string, number] {
  const a = w[k]!;
  const b = w[k + 1];
  const c = w[k + 2];
  if (a === 't' && b === 'c' && c === 'h') return ['cch', 3];
  if (b === 'y' && (c === 'a' || c === 'u' || c === 'o')) {
    if (a === 's') return [`sh${c}`, 3];
    if (a === 't' || a === 'c') return [`ch${c}`, 3];
    if (a === 'z' || a === 'j' || a === 'd') return [`j${c}`, 3];
  }
  if ((a === 's' || a === 'c' || a === 't') && b === 'h') return [a + b, 2];
  if (a === 't' && b === 's') return ['ts', 2];
  if (b === 'i') {
    if (a === 's') return ['shi', 2];
    if (a === 't') return ['chi', 2];
    if (a === 'z' || a === 'd') return ['ji', 2];
  }
  if (b === 'u') {
    if (a === 't') return ['tsu', 2];
    if (a === 'h') return ['fu', 2];
    if (a === 'd') return ['zu', 2];
  }
  if (a === 'm' && (b === 'b' || b === 'm' || b === 'p')) return ['n', 1];
  return [a, 1];
}

/** Step 6: normalize the romanization of each word (REQ-ID-037). */
function normalizeWords(u: Units): Units {
  const out: Units = { cp: [], first: [], last: [] };
  const n = u.cp.length;
  let k = 0;
  while (k < n) {
    if (!isAsciiLetter(u.cp[k])) {
      push(out, u.cp[k]!, u.first[k]!, u.last[k]!);
      k++;
      continue;
    }
    // One word: ASCII letters of one run.
    let end = k + 1;
    while (end < n && isAsciiLetter(u.cp[end]) && adjacent(u, end - 1, end)) end++;
    let w = '';
    for (let j = k; j < end; j++) w += String.fromCharCode(u.cp[j]!);
    const wordStart = out.cp.length;
    let lastAppended = -1;
    const drop = (letter: number, first: number, last: number): boolean => {
      const dropped =
        lastAppended >= 0 &&
        ((VOWEL_CODES.has(letter) && letter === lastAppended) || (letter === 0x75 && lastAppended === 0x6f));
      if (dropped) {
        // The dropped letter's source joins the letter before it.
        const p = out.cp.length - 1;
        if (out.first[p]! > first) out.first[p] = first;
        if (out.last[p]! < last) out.last[p] = last;
      }
      return dropped;
    };
    for (let p = 0; p < w.length; ) {
      const first = u.first[k + p]!;
      if (w[p] === 'h' && lastAppended === 0x6f && !VOWEL_CODES.has(w.charCodeAt(p + 1))) {
        drop(0x6f, first, u.last[k + p]!); // rule 6: joins the `o` before it
        p++;
        continue;
      }
      const [letters, read] = rewriteAt(w, p);
      const last = u.last[k + p + read - 1]!;
      for (let j = 0; j < letters.length; j++) {
        const letter = letters.charCodeAt(j);
        if (drop(letter, first, last)) continue;
        push(out, letter, first, last);
        lastAppended = letter;
      }
      p += read;
    }
    if (out.cp.length === wordStart && end > k) {
      // Not reachable (the first letter of a word is always appended); kept for safety.
      push(out, u.cp[k]!, u.first[k]!, u.last[end - 1]!);
    }
    k = end;
  }
  return out;
}

function keyOf(units: Units): { key: string; first: Int32Array; last: Int32Array } {
  let key = '';
  let length = 0;
  for (const cp of units.cp) length += cp > 0xffff ? 2 : 1;
  const first = new Int32Array(length);
  const last = new Int32Array(length);
  let p = 0;
  for (let k = 0; k < units.cp.length; k++) {
    const cp = units.cp[k]!;
    key += String.fromCodePoint(cp);
    const width = cp > 0xffff ? 2 : 1;
    for (let j = 0; j < width; j++, p++) {
      first[p] = units.first[k]!;
      last[p] = units.last[k]!;
    }
  }
  return { key, first, last };
}

/** The match key of a text (REQ-ID-035), with the source of every character of the key. */
export function textKey(text: string): TextKey {
  const folded = foldClusters(text);
  const units = normalizeWords(romanize(folded.units));
  return {
    ...keyOf(units),
    clusterCp: Int32Array.from(folded.clusterCp),
    clusterU16: Int32Array.from(folded.clusterU16),
    word: Uint8Array.from(folded.word),
    script: Uint8Array.from(folded.script),
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
