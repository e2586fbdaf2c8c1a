/**
 * The purpose vocabulary (spec/kyodaku.md, "Purposes"): a small dotted hierarchy of leaves under the
 * groups `train`, `input`, `generate` and `all`. Every leaf defaults to deny.
 */
export const PURPOSE_LEAVES = [
  'tdm',
  'train.genai',
  'train.finetune',
  'train.nongen',
  'input.index',
  'input.system',
  'input.user',
  'search',
  'generate.character',
  'generate.voice',
  'generate.likeness',
  'generate.style',
] as const;

export const PURPOSE_GROUPS = ['all', 'train', 'input', 'generate'] as const;

export type PurposeLeaf = (typeof PURPOSE_LEAVES)[number];
export type PurposeGroup = (typeof PURPOSE_GROUPS)[number];
export type Purpose = PurposeLeaf | PurposeGroup;

export const PURPOSES: readonly Purpose[] = [...PURPOSE_GROUPS, ...PURPOSE_LEAVES];

export const PERMISSION_VALUES = ['allow', 'conditional', 'deny'] as const;
export type Permission = (typeof PERMISSION_VALUES)[number];

const PURPOSE_SET = new Set<string>(PURPOSES);

export function isPurpose(value: string): value is Purpose {
  return PURPOSE_SET.has(value);
}

export function isPurposeGroup(purpose: Purpose): purpose is PurposeGroup {
  return (PURPOSE_GROUPS as readonly string[]).includes(purpose);
}

/** The leaves a purpose covers: a leaf covers itself; `all` covers every leaf. */
export function leavesOf(purpose: Purpose): readonly PurposeLeaf[] {
  if (purpose === 'all') return PURPOSE_LEAVES;
  if (!isPurposeGroup(purpose)) return [purpose];
  return PURPOSE_LEAVES.filter((leaf) => leaf.startsWith(`${purpose}.`));
}

/** The chain consulted for a leaf, most specific first: `train.genai`, `train`, `all`. */
export function lookupChain(leaf: PurposeLeaf): readonly Purpose[] {
  const dot = leaf.indexOf('.');
  return dot === -1 ? [leaf, 'all'] : [leaf, leaf.slice(0, dot) as PurposeGroup, 'all'];
}

/** The value a record's purpose map gives a leaf, or undefined when the record is silent on it. */
export function permissionFor(
  purposes: Readonly<Partial<Record<Purpose, Permission>>>,
  leaf: PurposeLeaf,
): Permission | undefined {
  for (const key of lookupChain(leaf)) {
    const value = purposes[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

const RESTRICTIVENESS: Record<Permission, number> = { allow: 0, conditional: 1, deny: 2 };

/** The most restrictive of the values: deny over conditional over allow. */
export function mostRestrictive(values: Iterable<Permission>): Permission {
  let result: Permission = 'allow';
  for (const value of values) if (RESTRICTIVENESS[value] > RESTRICTIVENESS[result]) result = value;
  return result;
}
