/**
 * The CAWG training and data mining assertion 1.1 (label `cawg.training-mining`, entries with `use`
 * allowed / notAllowed / constrained and optional `constraints_info`), in its JSON form as C2PA
 * manifest tools write it. spec/interop.md §6.
 */
import { isPurpose, type Permission, PURPOSE_LEAVES, type PurposeLeaf } from '../purposes.ts';
import type { Finding, Parsed } from './findings.ts';
import { parseForeignJson } from './foreign-json.ts';
import {
  assign,
  C2PA_LEGACY_TERMS,
  CAWG_CUSTOM_PREFIX,
  CAWG_TERMS,
  collapse,
  type LeafPermissions,
} from './vocabulary.ts';

export const CAWG_LABEL = 'cawg.training-mining';

type Use = 'allowed' | 'notAllowed' | 'constrained';
const USE_OF: Record<Permission, Use> = { allow: 'allowed', deny: 'notAllowed', conditional: 'constrained' };
const PERMISSION_OF: Record<Use, Permission> = {
  allowed: 'allow',
  notAllowed: 'deny',
  constrained: 'conditional',
};

export interface CawgEntry {
  use: Use;
  constraints_info?: string;
}

export interface CawgAssertion {
  label: typeof CAWG_LABEL;
  data: { entries: Record<string, CawgEntry> };
}

/** The leaves no CAWG entry covers, exported as custom entries `org.kyodaku.<leaf>`. */
const CUSTOM_LEAVES = PURPOSE_LEAVES.filter(
  (leaf) => !Object.values(CAWG_TERMS).some((leaves) => (leaves as readonly string[]).includes(leaf)),
);

/**
 * The assertion for the leaves (REQ-INTEROP-030): each CAWG entry collapsed over the leaves it covers,
 * a custom entry for every other leaf; `constraints_info` points at the terms when constrained.
 */
export function cawgAssertionFor(permissions: LeafPermissions, termsUrl: string): CawgAssertion {
  const entries: Record<string, CawgEntry> = {};
  const entry = (value: Permission): CawgEntry =>
    value === 'conditional' ? { use: 'constrained', constraints_info: termsUrl } : { use: USE_OF[value] };
  for (const [label, leaves] of Object.entries(CAWG_TERMS))
    entries[label] = entry(collapse(permissions, leaves));
  for (const leaf of CUSTOM_LEAVES)
    entries[`${CAWG_CUSTOM_PREFIX}${leaf}`] = entry(collapse(permissions, [leaf]));
  return { label: CAWG_LABEL, data: { entries } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The entries map in an assertion, a bare `{entries}` or a manifest's `assertions` list. */
function entriesOf(value: unknown, errors: Finding[]): Record<string, unknown> | undefined {
  if (!isObject(value)) {
    errors.push({ message: 'a CAWG assertion must be a JSON object' });
    return undefined;
  }
  if (Array.isArray(value.assertions)) {
    const found = value.assertions.find(
      (a: unknown) => isObject(a) && (a.label === CAWG_LABEL || a.label === 'c2pa.training-mining'),
    );
    if (found === undefined) {
      errors.push({ message: `the manifest has no ${CAWG_LABEL} assertion` });
      return undefined;
    }
    return entriesOf(found, errors);
  }
  const data = 'label' in value ? value.data : value;
  if ('label' in value && value.label !== CAWG_LABEL && value.label !== 'c2pa.training-mining') {
    errors.push({ message: `label must be ${CAWG_LABEL}, not ${JSON.stringify(value.label)}` });
    return undefined;
  }
  if (!isObject(data) || !isObject(data.entries)) {
    errors.push({ message: 'the assertion has no entries map (data.entries)' });
    return undefined;
  }
  return data.entries;
}

/** The leaf values of an assertion (REQ-INTEROP-031), with the constraints kept as notes. */
export function readCawgAssertion(
  text: string,
): Parsed<{ permissions: LeafPermissions; constraints: string[] }> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const permissions: LeafPermissions = {};
  const constraints: string[] = [];
  const result = { value: { permissions, constraints }, errors, warnings };
  const value = parseForeignJson(text, 'the CAWG assertion', errors);
  if (value === undefined) return result;
  const entries = entriesOf(value, errors);
  if (entries === undefined) return result;
  for (const [key, entry] of Object.entries(entries)) {
    const label = C2PA_LEGACY_TERMS[key] ?? key;
    if (label !== key) warnings.push({ message: `"${key}" is the C2PA 1.x name of "${label}"` });
    let leaves: readonly PurposeLeaf[] | undefined = CAWG_TERMS[label as keyof typeof CAWG_TERMS];
    if (leaves === undefined && label.startsWith(CAWG_CUSTOM_PREFIX)) {
      const leaf = label.slice(CAWG_CUSTOM_PREFIX.length);
      if (isPurpose(leaf) && (PURPOSE_LEAVES as readonly string[]).includes(leaf))
        leaves = [leaf as PurposeLeaf];
    }
    if (leaves === undefined) {
      warnings.push({ message: `entry "${key}" is not one Kyodaku maps; ignored` });
      continue;
    }
    if (!isObject(entry) || !(typeof entry.use === 'string' && entry.use in PERMISSION_OF)) {
      errors.push({ message: `entry "${key}": use must be allowed, notAllowed or constrained` });
      continue;
    }
    assign(permissions, leaves, PERMISSION_OF[entry.use as Use]);
    if (entry.use === 'constrained' && typeof entry.constraints_info === 'string')
      constraints.push(`${key}: ${entry.constraints_info}`);
  }
  return result;
}
