/**
 * The mapping tables of spec/interop.md §3: each foreign term and the Kyodaku purpose leaves it
 * covers. Import gives a term's value to every leaf it covers; export collapses the leaves a term
 * covers into one value (REQ-INTEROP-002).
 */
import { mostRestrictive, type Permission, PURPOSE_LEAVES, type PurposeLeaf } from '../purposes.ts';

/** The formats of the export routes (spec/interop.md §9), shared by the node and the CLI. */
export const EXPORT_FORMATS = [
  'aipref',
  'robots',
  'tdmrep',
  'tdmrep-html',
  'tdm-policy',
  'cawg',
  'rsl',
  'odrl',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A value per leaf; a leaf absent from the map has no value (opt-in: deny unless a signed record says otherwise). */
export type LeafPermissions = Partial<Record<PurposeLeaf, Permission>>;

/** IETF aipref usage categories (draft-ietf-aipref-vocab-08, §4 and Table 1) and the leaves they cover. */
export const AIPREF_TERMS = {
  'train-ai': ['train.genai', 'train.finetune'],
  'ai-use': ['input.system'],
  search: ['search'],
} as const satisfies Record<string, readonly PurposeLeaf[]>;

/** W3C TDMRep (Final CG Report 2024-05-10): a reservation covers text and data mining and every kind of training. */
export const TDM_LEAVES = [
  'tdm',
  'train.genai',
  'train.finetune',
  'train.nongen',
] as const satisfies readonly PurposeLeaf[];

/** CAWG training and data mining assertion 1.1 entries (label `cawg.training-mining`). */
export const CAWG_TERMS = {
  'cawg.data_mining': ['tdm'],
  'cawg.ai_inference': ['input.system', 'input.user'],
  'cawg.ai_generative_training': ['train.genai', 'train.finetune'],
  'cawg.ai_training': ['train.nongen'],
} as const satisfies Record<string, readonly PurposeLeaf[]>;

/** The entries of the C2PA 1.x assertion that CAWG 1.1 renamed, read on import only. */
export const C2PA_LEGACY_TERMS: Record<string, keyof typeof CAWG_TERMS> = {
  'c2pa.data_mining': 'cawg.data_mining',
  'c2pa.ai_inference': 'cawg.ai_inference',
  'c2pa.ai_generative_training': 'cawg.ai_generative_training',
  'c2pa.ai_training': 'cawg.ai_training',
};

/** Custom CAWG entry labels for the leaves no CAWG entry covers: `org.kyodaku.` + the leaf. */
export const CAWG_CUSTOM_PREFIX = 'org.kyodaku.';

/** RSL 1.0 usage tokens (`<permits type="usage">`) and the leaves they cover. */
export const RSL_TERMS = {
  all: PURPOSE_LEAVES,
  'ai-all': ['train.genai', 'train.finetune', 'train.nongen', 'input.index', 'input.system', 'input.user'],
  'ai-train': ['train.genai', 'train.finetune', 'train.nongen'],
  'ai-input': ['input.system', 'input.user'],
  'ai-index': ['input.index'],
  search: ['search'],
} as const satisfies Record<string, readonly PurposeLeaf[]>;

/** The RSL tokens an export uses: the narrowest ones, which do not overlap. */
export const RSL_EXPORT_TOKENS = ['ai-train', 'ai-input', 'ai-index', 'search'] as const;

/** Gives `value` to every leaf of `leaves`; a leaf already given a value keeps the more restrictive one. */
export function assign(target: LeafPermissions, leaves: readonly PurposeLeaf[], value: Permission): void {
  for (const leaf of leaves) {
    const current = target[leaf];
    target[leaf] = current === undefined ? value : mostRestrictive([current, value]);
  }
}

/**
 * The one value of a foreign term over the leaves it covers (REQ-INTEROP-002): `allow` only when
 * every covered leaf allows, `deny` when any denies, else `conditional`. A leaf without a value is deny.
 */
export function collapse(permissions: LeafPermissions, leaves: readonly PurposeLeaf[]): Permission {
  return mostRestrictive(leaves.map((leaf) => permissions[leaf] ?? 'deny'));
}

/** The leaves of a complete answer: every leaf has a value. */
export type CompleteLeafPermissions = Record<PurposeLeaf, Permission>;
