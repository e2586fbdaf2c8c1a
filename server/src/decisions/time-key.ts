/**
 * Timestamps of the decision index as numbers: `YYYY-MM-DDTHH:MM:SSZ` (the protocol's only form,
 * kyodaku.md §4) maps to the number YYYYMMDDHHMMSS, which orders exactly as the strings do and fits a
 * float64 without loss, so a typed array can hold it and a comparison costs no string work.
 */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function notATimestamp(s: string): never {
  throw new Error(`not a timestamp: ${JSON.stringify(s)}`);
}

/**
 * The order key of a timestamp; throws on anything but the protocol's timestamp form. Plain indexed
 * reads (no iterator, no destructuring): a million records at start-up take five keys each.
 */
export function timeKey(s: string): number {
  if (
    s.length !== 20 ||
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 || // -
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== 58 || // :
    s.charCodeAt(16) !== 58 || // :
    s.charCodeAt(19) !== 90 // Z
  ) {
    notATimestamp(s);
  }
  let n = 0;
  for (let k = 0; k < 14; k++) {
    const d = s.charCodeAt(DIGITS[k]!) - 48;
    if (d < 0 || d > 9) notATimestamp(s);
    n = n * 10 + d;
  }
  return n;
}

/** The key of an optional timestamp that ends something: absent is "never" (+Infinity). */
export function endKey(s: string | null | undefined): number {
  return s === undefined || s === null ? Number.POSITIVE_INFINITY : timeKey(s);
}

/** The timestamp of a key (inverse of timeKey); undefined for +Infinity. */
export function timeOfKey(n: number): string | undefined {
  if (n === Number.POSITIVE_INFINITY) return undefined;
  const d = String(n).padStart(14, '0');
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}Z`;
}
