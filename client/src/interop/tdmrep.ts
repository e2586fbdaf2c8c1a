/**
 * W3C TDMRep (TDM Reservation Protocol, Final Community Group Report, 10 May 2024): the
 * `tdm-reservation` / `tdm-policy` pair, in HTTP header fields and in `/.well-known/tdmrep.json`.
 * spec/interop.md §5.
 */
import type { Finding, Parsed } from './findings.ts';
import { parseForeignJson } from './foreign-json.ts';
import { lineOfRule } from './json-lines.ts';
import { assign, collapse, type LeafPermissions, TDM_LEAVES } from './vocabulary.ts';

export interface TdmDeclaration {
  reservation: 0 | 1;
  policy?: string;
}

export interface TdmRule extends TdmDeclaration {
  location: string;
  line?: number;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The leaf values of a declaration (REQ-INTEROP-020): a reservation denies mining and training, or
 * makes it conditional on the policy when one is named; no reservation allows them.
 */
export function permissionsOfTdm(declaration: TdmDeclaration): LeafPermissions {
  const permissions: LeafPermissions = {};
  const value =
    declaration.reservation === 0 ? 'allow' : declaration.policy === undefined ? 'deny' : 'conditional';
  assign(permissions, TDM_LEAVES, value);
  return permissions;
}

/** The declaration for the leaves: reserved unless every mining and training leaf allows. */
export function tdmDeclarationFor(permissions: LeafPermissions, policyUrl: string): TdmDeclaration {
  const value = collapse(permissions, TDM_LEAVES);
  if (value === 'allow') return { reservation: 0 };
  return value === 'conditional' ? { reservation: 1, policy: policyUrl } : { reservation: 1 };
}

/** The header fields of a declaration. */
export function tdmHeadersFor(declaration: TdmDeclaration): Record<string, string> {
  return {
    'tdm-reservation': String(declaration.reservation),
    ...(declaration.policy !== undefined && { 'tdm-policy': declaration.policy }),
  };
}

/**
 * A declaration from header fields. A reservation other than 0 or 1 is a protocol error; a policy
 * that is not an absolute http(s) URL is ignored with a warning.
 */
export function readTdmHeaders(
  reservation: string | null,
  policy: string | null,
): Parsed<TdmDeclaration | undefined> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  if (reservation === null) return { value: undefined, errors, warnings };
  const value = reservation.trim();
  if (value !== '0' && value !== '1') {
    errors.push({ message: `tdm-reservation must be 0 or 1, not ${JSON.stringify(value)}` });
    return { value: undefined, errors, warnings };
  }
  const declaration: TdmDeclaration = { reservation: value === '1' ? 1 : 0 };
  if (policy !== null && value === '1') {
    if (isHttpUrl(policy.trim())) declaration.policy = policy.trim();
    else
      warnings.push({
        message: `tdm-policy is not an absolute http(s) URL, ignored: ${JSON.stringify(policy)}`,
      });
  }
  return { value: declaration, errors, warnings };
}

/** Reads `/.well-known/tdmrep.json`: an array of rules, each checked on its own, by line. */
export function readTdmrepJson(text: string): Parsed<TdmRule[]> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const rules: TdmRule[] = [];
  const value = parseForeignJson(text, 'tdmrep.json', errors);
  if (value === undefined) return { value: rules, errors, warnings };
  if (!Array.isArray(value)) {
    errors.push({ line: 1, message: 'tdmrep.json must be an array of rules' });
    return { value: rules, errors, warnings };
  }
  value.forEach((entry: unknown, index) => {
    const line = lineOfRule(text, index);
    const at = line === undefined ? {} : { line };
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      errors.push({ ...at, message: `rule ${index + 1} is not an object` });
      return;
    }
    const rule = entry as Record<string, unknown>;
    const { location, 'tdm-reservation': reservation, 'tdm-policy': policy } = rule;
    if (typeof location !== 'string' || !location.startsWith('/')) {
      errors.push({ ...at, message: `rule ${index + 1}: location must be a path pattern starting with "/"` });
      return;
    }
    if (reservation !== 0 && reservation !== 1) {
      errors.push({ ...at, message: `rule ${index + 1} (${location}): tdm-reservation must be 0 or 1` });
      return;
    }
    const parsed: TdmRule = { location, reservation, ...at };
    if (policy !== undefined) {
      if (typeof policy === 'string' && isHttpUrl(policy)) {
        if (reservation === 1) parsed.policy = policy;
      } else
        warnings.push({
          ...at,
          message: `rule ${index + 1} (${location}): tdm-policy is not an absolute URL, ignored`,
        });
    }
    for (const key of Object.keys(rule)) {
      if (!['location', 'tdm-reservation', 'tdm-policy'].includes(key))
        warnings.push({ ...at, message: `rule ${index + 1} (${location}): unknown member "${key}" ignored` });
    }
    rules.push(parsed);
  });
  return { value: rules, errors, warnings };
}

/** The first rule whose location matches the path (TDMRep §3.3: the first match in sequence). */
export function tdmRuleFor(
  rules: readonly TdmRule[],
  path: string,
  matches: (pattern: string, path: string) => boolean,
) {
  return rules.find((rule) => matches(rule.location, path));
}

/** tdmrep.json for the paths of a work. */
export function tdmrepJsonFor(paths: readonly string[], declaration: TdmDeclaration): string {
  const rules = paths.map((location) => ({
    location,
    'tdm-reservation': declaration.reservation,
    ...(declaration.policy !== undefined && { 'tdm-policy': declaration.policy }),
  }));
  return `${JSON.stringify(rules, null, 2)}\n`;
}
