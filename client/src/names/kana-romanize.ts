/**
 * Step 5 of a match key (spec/identifiers.md REQ-ID-036): the kana of each run romanized by the
 * table of kana.ts, with small kana, the sokuon and the prolonged sound mark, each letter keeping the
 * source of the kana it came from.
 */
import type { Units } from './fold-units.ts';
import {
  consonantPart,
  isVowel,
  KANA_ROMAJI,
  PROLONGED_SOUND_MARK,
  SMALL_TSU,
  SMALL_VOWEL,
  SMALL_Y,
} from './kana.ts';

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

/** Step 5: romanize the kana of each run (REQ-ID-036), from `u` into `romanized`. */
export function romanize(u: Units, romanized: Units): void {
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
