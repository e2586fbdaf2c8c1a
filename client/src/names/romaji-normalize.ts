/**
 * Step 6 of a match key (spec/identifiers.md REQ-ID-037): the romaji spellings of one sound made one
 * in each word (si as shi, tu as tsu, hu as fu, sya as sha, m before b, m or p as n, a doubled vowel,
 * ou and oh as o), a dropped letter's source joining the letter before it.
 */
import type { Units } from './fold-units.ts';

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

/** Step 6: normalize the romanization of each word (REQ-ID-037), from `u` into `normalized`. */
export function normalizeWords(u: Units, normalized: Units): void {
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
