/**
 * Steps 1 to 4 of a match key (spec/identifiers.md REQ-ID-035): the text cut into clusters, each
 * folded (NFKC, lowercase, katakana to hiragana, diacritics removed), separators, punctuation and
 * symbols dropped; folded clusters are cached.
 */
import type { Clusters, Units } from './fold-units.ts';

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

/** Steps 1 to 4 into `folded` and `clusters`: clusters, folded, without separators and symbols. */
export function foldClusters(text: string, folded: Units, clusters: Clusters): void {
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
