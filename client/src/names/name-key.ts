/**
 * Match keys of names and texts (spec/identifiers.md §5.1, REQ-ID-035..038): folding that also
 * romanizes kana, drops separators and punctuation and merges common romaji spellings, keeping for
 * every character of the key the clusters of the input it came from, so that a match in the key is
 * a span of the input. The steps are in cluster-fold.ts (1 to 4), kana-romanize.ts (5) and
 * romaji-normalize.ts (6); this module runs them over reused buffers and reads the key.
 */
import { foldClusters } from './cluster-fold.ts';
import { Clusters, Units } from './fold-units.ts';
import { romanize } from './kana-romanize.ts';
import { normalizeWords } from './romaji-normalize.ts';

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

const folded = new Units();
const romanized = new Units();
const normalized = new Units();
const clusters = new Clusters();

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
  foldClusters(text, folded, clusters);
  romanize(folded, romanized);
  normalizeWords(romanized, normalized);
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
