/**
 * Work identifiers `scheme:value` (spec/identifiers.md): validation and the single normalized form,
 * URL prefix patterns, and the folding of multilingual names.
 *
 * Every function here is total on strings: the only error ever thrown is InvalidIdentifierError.
 */

export type IdentifierScheme =
  | 'url'
  | 'sha256'
  | 'isbn'
  | 'isrc'
  | 'iswc'
  | 'isan'
  | 'doi'
  | 'iscc'
  | 'jan'
  | 'kyodaku';

export const IDENTIFIER_SCHEMES: readonly IdentifierScheme[] = Object.freeze([
  'url',
  'sha256',
  'isbn',
  'isrc',
  'iswc',
  'isan',
  'doi',
  'iscc',
  'jan',
  'kyodaku',
] as const);

/** Maximum length of an identifier, in code points of the input and in characters of the normalized form. */
export const MAX_IDENTIFIER_LENGTH = 2048;

export class InvalidIdentifierError extends Error {
  readonly code = 'ERR_INVALID_IDENTIFIER';
  readonly reason: string;

  constructor(reason: string) {
    super(`Invalid identifier: ${reason}`);
    this.name = 'InvalidIdentifierError';
    this.reason = reason;
  }
}

function fail(reason: string): never {
  throw new InvalidIdentifierError(reason);
}

/** Validates `input` and returns its normalized form; throws InvalidIdentifierError otherwise. */
export function normalizeIdentifier(input: string): string {
  if (typeof input !== 'string') fail('not a string');
  // A string of at most 2048 code points has at most 4096 UTF-16 code units.
  if (input.length > 2 * MAX_IDENTIFIER_LENGTH) fail('longer than 2048 code points');
  checkCharacters(input);
  const colon = input.indexOf(':');
  if (colon < 0) fail('missing ":" after the scheme');
  const scheme = asciiLower(input.slice(0, colon));
  if (!isScheme(scheme)) fail('unknown scheme');
  const id = `${scheme}:${NORMALIZERS[scheme](input.slice(colon + 1))}`;
  if (id.length > MAX_IDENTIFIER_LENGTH) fail('normalized form longer than 2048 characters');
  return id;
}

export function tryNormalizeIdentifier(input: string): string | undefined {
  try {
    return normalizeIdentifier(input);
  } catch (error) {
    if (error instanceof InvalidIdentifierError) return undefined;
    throw error;
  }
}

/** True for a normalized `url:` identifier ending in `*` (a prefix pattern). */
export function isUrlPrefixPattern(id: string): boolean {
  return typeof id === 'string' && id.startsWith('url:') && id.endsWith('*');
}

/**
 * True if the normalized prefix pattern `patternId` matches the normalized url identifier `candidateId`:
 * the candidate is not itself a pattern and starts with the pattern minus its `*`.
 */
export function urlPrefixMatches(patternId: string, candidateId: string): boolean {
  if (!isUrlPrefixPattern(patternId)) return false;
  if (typeof candidateId !== 'string' || !candidateId.startsWith('url:') || candidateId.endsWith('*')) {
    return false;
  }
  return candidateId.startsWith(patternId.slice(0, -1));
}

/**
 * Folds a title, alias or name for matching: NFKC, lowercase, katakana U+30A1..U+30F6 to hiragana,
 * runs of White_Space to one space, no leading or trailing space.
 */
export function foldName(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(/\p{White_Space}+/gu, ' ')
    .replace(/^ | $/g, '');
}

// ---- general rules ----

const SCHEMES: ReadonlySet<string> = new Set(IDENTIFIER_SCHEMES);

function isScheme(s: string): s is IdentifierScheme {
  return SCHEMES.has(s);
}

/** Rejects C0 and C1 controls, DEL and lone surrogates, and counts code points. */
function checkCharacters(input: string): void {
  let codePoints = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) fail('control character');
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = input.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) fail('lone surrogate');
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      fail('lone surrogate');
    }
    codePoints++;
  }
  if (codePoints > MAX_IDENTIFIER_LENGTH) fail('longer than 2048 code points');
}

/** Case mapping in this module touches ASCII letters only (U+212A KELVIN SIGN never becomes `k`). */
function asciiLower(s: string): string {
  // Most identifiers are lowercase already: scan before replacing (the hot path of decisions).
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s;
}

function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

const MALFORMED_PERCENT = /%(?![0-9A-Fa-f]{2})/;

// ---- url ----

const HTTP_PREFIX = /^[Hh][Tt][Tt][Pp][Ss]?:\/\//;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function normalizeUrl(value: string): string {
  const isPattern = value.endsWith('*');
  const raw = isPattern ? value.slice(0, -1) : value;
  const prefix = HTTP_PREFIX.exec(raw);
  if (prefix === null) fail('url must begin with http:// or https://');
  if (raw.includes(' ')) fail('url contains a space');
  if (raw.includes('\\')) fail('url contains a backslash');
  if (MALFORMED_PERCENT.test(raw)) fail('url contains a malformed percent-encoding');
  const rest = raw.slice(prefix[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  if (authority === '') fail('url has an empty authority');
  if (authority.includes('@')) fail('url has userinfo');
  if (isPattern && authorityEnd < 0) fail('a url prefix pattern needs a path or query before the *');
  if (isPattern && raw.includes('#')) fail('a url prefix pattern has a fragment');

  const url = parseUrl(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('url scheme is not http or https');
  if (url.username !== '' || url.password !== '') fail('url has userinfo');
  if (url.hostname.includes('*')) fail('url has * in its host');
  const origin = `${url.protocol}//${url.host}`;
  const href = url.href;
  const hash = href.indexOf('#');
  const withoutFragment = hash < 0 ? href : href.slice(0, hash);
  if (!withoutFragment.startsWith(origin)) fail('url serialization is not understood');
  const normalized = origin + normalizePercentEncoding(withoutFragment.slice(origin.length));
  if (normalized.endsWith('*')) fail('url ends with * (write %2A, or use a single trailing * for a pattern)');
  return isPattern ? `${normalized}*` : normalized;
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    return fail('url does not parse');
  }
}

/**
 * RFC 3986 section 6.2.2: decode percent-encoded unreserved characters, uppercase the other escapes;
 * then percent-encode the characters RFC 3986 never allows after the host that revisions of the URL
 * Standard leave unencoded or encode differently (`^ | \` { }`), so that every parser agrees.
 */
function normalizePercentEncoding(s: string): string {
  return s
    .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
      const ch = String.fromCharCode(Number.parseInt(hex, 16));
      return UNRESERVED.test(ch) ? ch : `%${asciiUpper(hex)}`;
    })
    .replace(/[\^|`{}]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

// ---- sha256 ----

function normalizeSha256(value: string): string {
  if (!/^[0-9A-Fa-f]{64}$/.test(value)) fail('sha256 must be 64 hex digits');
  return asciiLower(value);
}

// ---- isbn ----

const ISBN10 = /^[0-9](?:[- ]?[0-9]){8}[- ]?[0-9Xx]$/;
const ISBN13 = /^[0-9](?:[- ]?[0-9]){12}$/;

function normalizeIsbn(value: string): string {
  const digits = value.replace(/[- ]/g, '');
  if (ISBN10.test(value)) {
    let sum = 0;
    for (let i = 0; i < 10; i++) {
      const c = digits[i]!;
      sum += (10 - i) * (c === 'X' || c === 'x' ? 10 : Number(c));
    }
    if (sum % 11 !== 0) fail('ISBN-10 check digit mismatch');
    const body = `978${digits.slice(0, 9)}`;
    return body + gs1CheckDigit(body);
  }
  if (!ISBN13.test(value)) fail('isbn must be an ISBN-10 or ISBN-13');
  if (!digits.startsWith('978') && !digits.startsWith('979')) fail('ISBN-13 must begin with 978 or 979');
  if (digits.startsWith('9790')) fail('979-0 is the ISMN range, not ISBN');
  if (gs1CheckDigit(digits.slice(0, 12)) !== digits[12]) fail('ISBN-13 check digit mismatch');
  return digits;
}

/** GS1 mod-10 check digit of a digit string (EAN-8, EAN-13, ISBN-13): weights 3,1,3,... from the right. */
function gs1CheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  }
  return String((10 - (sum % 10)) % 10);
}

// ---- isrc ----

const ISRC = /^([A-Za-z]{2})-?([A-Za-z0-9]{3})-?([0-9]{2})-?([0-9]{5})$/;

function normalizeIsrc(value: string): string {
  const m = ISRC.exec(value);
  if (m === null) fail('isrc must be CC-XXX-YY-NNNNN');
  return asciiUpper(m.slice(1).join(''));
}

// ---- iswc ----

const ISWC = /^[Tt]-?([0-9]{3})\.?([0-9]{3})\.?([0-9]{3})-?([0-9])$/;

function normalizeIswc(value: string): string {
  const m = ISWC.exec(value);
  if (m === null) fail('iswc must be T-DDD.DDD.DDD-C');
  const digits = m.slice(1, 4).join('');
  let sum = 1;
  for (let i = 0; i < 9; i++) sum += (i + 1) * Number(digits[i]);
  if (String((10 - (sum % 10)) % 10) !== m[4]) fail('ISWC check digit mismatch');
  return `T${digits}${m[4]}`;
}

// ---- isan ----

const ISAN_GROUPS = new Set(['4,4,4,4', '4,4,4,4,1', '4,4,4,4,4,4', '4,4,4,4,1,4,4,1']);
const ISAN_PLAIN = /^([0-9A-F]{16})(?:([0-9A-Z])|([0-9A-F]{8})|([0-9A-Z])([0-9A-F]{8})([0-9A-Z]))?$/;
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function normalizeIsan(value: string): string {
  if (value.includes('-')) {
    const lengths = value.split('-').map((group) => group.length);
    if (!ISAN_GROUPS.has(lengths.join(','))) fail('isan hyphens are not at the standard positions');
  }
  const m = ISAN_PLAIN.exec(asciiUpper(value.replace(/-/g, '')));
  if (m === null) fail('isan must be 16 or 24 hex digits with optional check characters');
  const [, rootEpisode, check, versionOnly, check1, version, check2] = m;
  if (rootEpisode === undefined) return fail('isan must be 16 or 24 hex digits');
  if (check !== undefined && mod3736(rootEpisode) !== check) fail('ISAN check character mismatch');
  if (version === undefined) return rootEpisode + (versionOnly ?? '');
  if (mod3736(rootEpisode) !== check1) fail('ISAN first check character mismatch');
  if (mod3736(rootEpisode + version) !== check2) fail('ISAN second check character mismatch');
  return rootEpisode + version;
}

/** ISO/IEC 7064 MOD 37,36 check character of an uppercase hex string. */
function mod3736(s: string): string {
  let p = 36;
  for (const ch of s) {
    const t = (p + ALPHANUMERIC.indexOf(ch)) % 36;
    p = ((t === 0 ? 36 : t) * 2) % 37;
  }
  return ALPHANUMERIC[(37 - p) % 36]!;
}

// ---- doi ----

const DOI_URL_PREFIX = /^[Hh][Tt][Tt][Pp][Ss]?:\/\/(?:[Dd][Xx]\.)?[Dd][Oo][Ii]\.[Oo][Rr][Gg]\//;
const DOI_PREFIX = /^[Dd][Oo][Ii]:/;
const DOI = /^10\.[0-9]+(?:\.[0-9]+)*\/[!-~]+$/;

function normalizeDoi(value: string): string {
  let name = value;
  const urlPrefix = DOI_URL_PREFIX.exec(value);
  if (urlPrefix !== null) {
    name = value.slice(urlPrefix[0].length);
    if (/[?#]/.test(name)) fail('a DOI URL has a query or fragment');
    if (MALFORMED_PERCENT.test(name)) fail('a DOI URL has a malformed percent-encoding');
    name = name.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  } else if (DOI_PREFIX.test(value)) {
    name = value.slice(4);
  }
  if (!DOI.test(name)) fail('doi must be 10.<registrant>/<suffix> in printable ASCII');
  return asciiLower(name);
}

// ---- iscc ----

const ISCC_PREFIX = /^[Ii][Ss][Cc][Cc]:/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function normalizeIscc(value: string): string {
  const code = asciiUpper(ISCC_PREFIX.test(value) ? value.slice(5) : value);
  if (!/^[A-Z2-7]+$/.test(code)) fail('iscc must be base32 (RFC 4648 alphabet, no padding)');
  const rest = code.length % 8;
  if (rest === 1 || rest === 3 || rest === 6) fail('iscc base32 length is not a whole number of bytes');
  const bytes = Math.floor((code.length * 5) / 8);
  if (bytes < 6 || bytes > 64) fail('iscc must encode 6 to 64 bytes');
  const padBits = code.length * 5 - bytes * 8;
  if ((BASE32.indexOf(code[code.length - 1]!) & ((1 << padBits) - 1)) !== 0) {
    fail('iscc base32 has non-zero padding bits');
  }
  if (BASE32.indexOf(code[0]!) >= 16) fail('iscc MainType is out of range');
  return code;
}

// ---- jan ----

function normalizeJan(value: string): string {
  if (!/^(?:[0-9]{8}|[0-9]{13})$/.test(value)) fail('jan must be 8 or 13 digits');
  if (value.length === 13 && (value.startsWith('978') || value.startsWith('979'))) {
    fail('978/979 (Bookland) codes are written as isbn');
  }
  if (gs1CheckDigit(value.slice(0, -1)) !== value.slice(-1)) fail('JAN check digit mismatch');
  return value;
}

// ---- kyodaku ----

const KYODAKU = /^[a-z0-9._~-]+(?:\/[a-z0-9._~-]+)*$/;

function normalizeKyodaku(value: string): string {
  const id = asciiLower(value);
  if (id.length < 1 || id.length > 200) fail('kyodaku id must be 1 to 200 characters');
  if (!KYODAKU.test(id)) fail('kyodaku id has a character outside [a-z0-9._~-] or an empty segment');
  const segments = `/${id}/`;
  if (segments.includes('/./') || segments.includes('/../')) {
    fail('kyodaku id has a "." or ".." segment');
  }
  return id;
}

const NORMALIZERS: Readonly<Record<IdentifierScheme, (value: string) => string>> = Object.freeze({
  url: normalizeUrl,
  sha256: normalizeSha256,
  isbn: normalizeIsbn,
  isrc: normalizeIsrc,
  iswc: normalizeIswc,
  isan: normalizeIsan,
  doi: normalizeDoi,
  iscc: normalizeIscc,
  jan: normalizeJan,
  kyodaku: normalizeKyodaku,
});
