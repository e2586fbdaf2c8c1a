/**
 * IETF aipref: the preference expression (draft-ietf-aipref-vocab-08 §6, an RFC 9651 dictionary of
 * `label=y|n`) carried by the Content-Usage header field and robots.txt rule
 * (draft-ietf-aipref-attach-05). spec/interop.md §4.
 */
import { parseDictionary, serializeDictionary, Token } from 'structured-headers';
import type { Permission } from '../purposes.ts';
import type { Finding, Parsed } from './findings.ts';
import { AIPREF_TERMS, assign, collapse, type LeafPermissions } from './vocabulary.ts';

type AiprefLabel = keyof typeof AIPREF_TERMS;
const LABELS = Object.keys(AIPREF_TERMS) as AiprefLabel[];

/** Labels of vocab -01 to -04 that -08 does not define (ignored, with a warning that says so). */
const FORMER_LABELS = new Set(['tdm', 'ai', 'genai', 'inference', 'all', 'train-genai', 'bots', 'ai-output']);

/**
 * The leaf values of a preference expression (vocab §6.5): `y` allows, `n` denies the leaves a label
 * covers; unknown labels, parameters and values other than the tokens `y`/`n` leave the category
 * unknown. A value that is not a structured field dictionary is an error (all preferences unknown).
 */
export function readPreference(value: string, line?: number): Parsed<LeafPermissions> {
  const at = line === undefined ? {} : { line };
  const permissions: LeafPermissions = {};
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(value);
  } catch (error) {
    errors.push({
      ...at,
      message: `not a structured field dictionary (RFC 9651): ${(error as Error).message}`,
    });
    return { value: permissions, errors, warnings };
  }
  for (const [label, member] of dictionary) {
    if (!(label in AIPREF_TERMS)) {
      const why = FORMER_LABELS.has(label) ? 'a label of an earlier aipref draft' : 'an unknown label';
      warnings.push({ ...at, message: `"${label}" is ${why}; ignored (vocab §6.4)` });
      continue;
    }
    const bare = Array.isArray(member[0]) ? undefined : member[0];
    const token = bare instanceof Token ? bare.toString() : undefined;
    if (token !== 'y' && token !== 'n') {
      warnings.push({ ...at, message: `"${label}" has no y or n token; its preference stays unknown` });
      continue;
    }
    assign(permissions, AIPREF_TERMS[label as AiprefLabel], token === 'y' ? 'allow' : 'deny');
  }
  return { value: permissions, errors, warnings };
}

/** aipref has no "allowed under terms": a conditional leaf exports as `n` (REQ-INTEROP-011). */
function token(value: Permission): Token {
  return new Token(value === 'allow' ? 'y' : 'n');
}

/** The preference expression for the leaves: every label, `y` only when every leaf it covers allows. */
export function preferenceFor(permissions: LeafPermissions): string {
  const members = new Map<string, [Token, Map<string, boolean>]>();
  for (const label of LABELS)
    members.set(label, [token(collapse(permissions, AIPREF_TERMS[label])), new Map()]);
  return serializeDictionary(members);
}

/**
 * robots.txt lines for the paths: one Content-Usage rule each, in a group for every crawler. No
 * Allow or Disallow: what may be crawled stays the site's choice (REQ-INTEROP-012).
 */
export function robotsLinesFor(paths: readonly string[], permissions: LeafPermissions): string {
  const preference = preferenceFor(permissions);
  return ['User-Agent: *', ...paths.map((path) => `Content-Usage: ${path} ${preference}`), ''].join('\n');
}
