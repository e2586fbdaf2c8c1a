/**
 * Well-formed language tags (RFC 5646 §2.1, BCP 47; spec/identifiers.md REQ-ID-032): the ABNF
 * `Language-Tag = langtag / privateuse / grandfathered` written out as one regular expression,
 * in any case. Hand-written rather than `Intl.getCanonicalLocales`, which checks
 * Unicode locale identifiers (UTS #35, not RFC 5646: it refuses private-use and grandfathered tags)
 * against the engine's ICU data, so that every implementation (and the Python verifier, which uses
 * the same expression) accepts exactly the same tags. Only syntax is checked, not the registry:
 * `qaa-Qaaa-QM` is well-formed; duplicate variants or singletons are left to "valid" (RFC 5646 §2.2.9).
 */

/** The irregular grandfathered tags (RFC 5646 §2.2.8); the regular ones match `langtag`. */
const IRREGULAR = [
  'en-GB-oed',
  'i-ami',
  'i-bnn',
  'i-default',
  'i-enochian',
  'i-hak',
  'i-klingon',
  'i-lux',
  'i-mingo',
  'i-navajo',
  'i-pwn',
  'i-tao',
  'i-tay',
  'i-tsu',
  'sgn-BE-FR',
  'sgn-BE-NL',
  'sgn-CH-DE',
];

const A = '[A-Za-z]';
const AN = '[A-Za-z0-9]';
const LANGUAGE = `(?:${A}{2,3}(?:-${A}{3}){0,3}|${A}{4,8})`;
const SCRIPT = `(?:-${A}{4})?`;
const REGION = `(?:-(?:${A}{2}|[0-9]{3}))?`;
const VARIANTS = `(?:-(?:${AN}{5,8}|[0-9]${AN}{3}))*`;
/** A singleton is any letter or digit but `x`. */
const EXTENSIONS = `(?:-[0-9A-WYZa-wyz](?:-${AN}{2,8})+)*`;
const PRIVATE_USE = `[Xx](?:-${AN}{1,8})+`;
const LANGTAG = `${LANGUAGE}${SCRIPT}${REGION}${VARIANTS}${EXTENSIONS}(?:-${PRIVATE_USE})?`;
/** A literal, matched without regard to case. */
const anyCase = (s: string) => s.replace(/[a-z]/gi, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);

/**
 * The reference expression of REQ-ID-032, without flags (so that JSON Schema `pattern` and every
 * regular-expression dialect read it alike); tags are ASCII and any case.
 */
export const LANGUAGE_TAG_PATTERN = `^(?:${LANGTAG}|${PRIVATE_USE}|${IRREGULAR.map(anyCase).join('|')})$`;
const LANGUAGE_TAG = new RegExp(LANGUAGE_TAG_PATTERN);

/** Whether `tag` is a well-formed BCP 47 language tag (RFC 5646 §2.1). */
export function isWellFormedLanguageTag(tag: string): boolean {
  return LANGUAGE_TAG.test(tag);
}
