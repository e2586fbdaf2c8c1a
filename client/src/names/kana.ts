/**
 * Romanization of hiragana (spec/identifiers.md REQ-ID-036): modified Hepburn, `ん` always `n`.
 * Katakana is folded to hiragana before (REQ-ID-033 step 3); U+30F7..U+30FA have no hiragana.
 */

const ROWS: Array<[string, string]> = [
  ['あいうえお', 'a i u e o'],
  ['かきくけこ', 'ka ki ku ke ko'],
  ['がぎぐげご', 'ga gi gu ge go'],
  ['さしすせそ', 'sa shi su se so'],
  ['ざじずぜぞ', 'za ji zu ze zo'],
  ['たちつてと', 'ta chi tsu te to'],
  ['だぢづでど', 'da ji zu de do'],
  ['なにぬねの', 'na ni nu ne no'],
  ['はひふへほ', 'ha hi fu he ho'],
  ['ばびぶべぼ', 'ba bi bu be bo'],
  ['ぱぴぷぺぽ', 'pa pi pu pe po'],
  ['まみむめも', 'ma mi mu me mo'],
  ['やゆよ', 'ya yu yo'],
  ['らりるれろ', 'ra ri ru re ro'],
  // を is `wo`, as typed, not Hepburn `o`: the particle after a name ending in o must not merge into it.
  ['わゐゑをん', 'wa i e wo n'],
  ['ゔヷヸヹヺ', 'vu va vi ve vo'],
  // Small kana, read as their full-size kana when no digraph rule applies.
  ['ぁぃぅぇぉゃゅょゎゕゖ', 'a i u e o ya yu yo wa ka ke'],
];

/** kana code point -> romanization (the table of REQ-ID-036). */
export const KANA_ROMAJI: ReadonlyMap<number, string> = new Map(
  ROWS.flatMap(([kana, romaji]) => {
    const r = romaji.split(' ');
    return [...kana].map((k, i): [number, string] => [k.codePointAt(0)!, r[i]!]);
  }),
);

export const SMALL_TSU = 0x3063;
export const PROLONGED_SOUND_MARK = 0x30fc;
/** Small ゃ ゅ ょ -> the vowel they give a digraph (rule 2). */
export const SMALL_Y: ReadonlyMap<number, string> = new Map([
  [0x3083, 'a'],
  [0x3085, 'u'],
  [0x3087, 'o'],
]);
/** Small ぁ ぃ ぅ ぇ ぉ -> their vowel (rule 3). */
export const SMALL_VOWEL: ReadonlyMap<number, string> = new Map([
  [0x3041, 'a'],
  [0x3043, 'i'],
  [0x3045, 'u'],
  [0x3047, 'e'],
  [0x3049, 'o'],
]);

const VOWELS = new Set(['a', 'i', 'u', 'e', 'o']);
export const isVowel = (letter: string | undefined): boolean => letter !== undefined && VOWELS.has(letter);

/**
 * The consonant part of a kana for rule 3 (`う` -> `w`, `ゔ` -> `v`, `ふ` -> `f`, `し` -> `sh`), or
 * undefined for a kana that is a vowel alone or is small.
 */
export function consonantPart(kana: number): string | undefined {
  if (kana === 0x3046) return 'w';
  if (kana === 0x3094) return 'v';
  if (SMALL_VOWEL.has(kana) || SMALL_Y.has(kana) || kana === 0x308e || kana === 0x3095 || kana === 0x3096)
    return undefined;
  const r = KANA_ROMAJI.get(kana);
  if (r === undefined || r.length < 2 || !isVowel(r.at(-1))) return undefined;
  return r.slice(0, -1);
}
