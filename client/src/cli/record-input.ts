/**
 * The input of `record create|supersede`: a record file (JSON or YAML, the record payload's shape
 * without `kind`, `v`, `iss`, `issued_at`) merged with flags, flags winning. Example file:
 *
 *   work:
 *     type: character
 *     ids: [ "isbn:9784088725093", "url:https://example.jp/goku" ]
 *     titles: { ja: 孫悟空, en: Son Goku }
 *   purposes: { train: deny, generate.character: conditional }
 *   conditions:
 *     compensation: { model: per-use, currency: JPY, amount: "50" }
 *     attribution: { required: true }
 *   valid_until: 2027-01-01T00:00:00Z
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { createRecord, type RecordInput } from '../builders.ts';
import type { PayloadOf } from '../object-kinds.ts';
import { isPurpose, PERMISSION_VALUES } from '../purposes.ts';
import { langNames, langText, splitPair } from './lang-text.ts';
import { usageError } from './output.ts';
import { parseTime } from './time-flag.ts';

export const WORK_TYPES = ['work', 'character', 'voice', 'likeness'] as const;
const COMPENSATION_MODELS = ['free', 'flat-fee', 'per-use', 'revenue-share'];

/** The flags `record create` and `record supersede` share. */
export interface RecordFlags {
  from?: string;
  type?: string;
  id?: string[];
  title?: string[];
  alias?: string[];
  purpose?: string[];
  compensation?: string;
  compensationUrl?: string;
  attribution?: string;
  attributionText?: string[];
  territory?: string[];
  contactEmail?: string;
  note?: string[];
  validFrom?: string;
  validUntil?: string;
}

type Draft = Record<string, unknown> & {
  work?: Record<string, unknown>;
  purposes?: Record<string, unknown>;
  conditions?: Record<string, unknown>;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads a record file: `.json`, or YAML for anything else. */
export function readRecordFile(path: string): Draft {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let value: unknown;
  try {
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw usageError(
      `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return draftFromValue(value, path);
}

/** The draft in a parsed record file (or a line of `record import`, named by `source`). */
export function draftFromValue(value: unknown, source: string): Draft {
  if (!isObject(value)) throw usageError(`${source} must hold an object (work, purposes, conditions…)`);
  const { kind: _k, v: _v, iss: _i, issued_at: _t, ...draft } = value;
  // YAML numbers for money are fine to write; the record holds decimal strings.
  const compensation = isObject(draft.conditions) ? draft.conditions.compensation : undefined;
  if (isObject(compensation) && typeof compensation.amount === 'number') {
    compensation.amount = String(compensation.amount);
  }
  return draft as Draft;
}

function parseCompensation(text: string, url: string | undefined): Record<string, string> {
  const [model = '', ...rest] = text.split(':');
  if (!COMPENSATION_MODELS.includes(model)) {
    throw usageError(
      `--compensation starts with one of ${COMPENSATION_MODELS.join(', ')}, e.g. per-use:JPY:50`,
    );
  }
  const result: Record<string, string> = { model };
  if (rest.length === 1) result.amount = rest[0]!;
  else if (rest.length >= 2) {
    const [currency, amount, ...unit] = rest;
    if (currency) result.currency = currency.toUpperCase();
    if (amount) result.amount = amount;
    if (unit.length > 0) result.unit = unit.join(':');
  }
  if (url !== undefined) result.url = url;
  return result;
}

/** The draft (file merged with flags): the record payload less `kind`, `v`, `iss` and `issued_at`. */
export function draftOf(flags: RecordFlags, base?: Draft): Draft {
  const draft: Draft = flags.from ? readRecordFile(flags.from) : structuredClone(base ?? {});
  const work: Record<string, unknown> = { ...(isObject(draft.work) ? draft.work : {}) };
  if (flags.type !== undefined) {
    if (!(WORK_TYPES as readonly string[]).includes(flags.type)) {
      throw usageError(`--type must be one of ${WORK_TYPES.join(', ')}`);
    }
    work.type = flags.type;
  }
  work.type ??= 'work';
  if (flags.id) work.ids = [...(Array.isArray(work.ids) ? work.ids : []), ...flags.id];
  const titles = langText(flags.title, '--title');
  if (titles) work.titles = { ...(isObject(work.titles) ? work.titles : {}), ...titles };
  const aliases = langNames(flags.alias, '--alias');
  if (aliases) work.aliases = { ...(isObject(work.aliases) ? work.aliases : {}), ...aliases };
  draft.work = work;

  if (flags.purpose) {
    const purposes: Record<string, unknown> = { ...(isObject(draft.purposes) ? draft.purposes : {}) };
    for (const value of flags.purpose) {
      const [purpose, permission] = splitPair(value, '--purpose');
      if (!isPurpose(purpose)) throw usageError(`unknown purpose ${JSON.stringify(purpose)}`);
      if (!(PERMISSION_VALUES as readonly string[]).includes(permission)) {
        throw usageError(`--purpose ${purpose}= takes ${PERMISSION_VALUES.join(', ')}`);
      }
      purposes[purpose] = permission;
    }
    draft.purposes = purposes;
  }

  const conditions: Record<string, unknown> = { ...(isObject(draft.conditions) ? draft.conditions : {}) };
  if (flags.compensation !== undefined) {
    conditions.compensation = parseCompensation(flags.compensation, flags.compensationUrl);
  }
  if (flags.attribution !== undefined || flags.attributionText !== undefined) {
    if (flags.attribution !== undefined && !['required', 'optional'].includes(flags.attribution)) {
      throw usageError('--attribution takes required or optional');
    }
    const text = langText(flags.attributionText, '--attribution-text');
    conditions.attribution = { required: flags.attribution !== 'optional', ...(text && { text }) };
  }
  if (flags.territory) {
    conditions.territory = flags.territory.flatMap((t) => t.split(',')).map((t) => t.trim().toUpperCase());
  }
  if (flags.contactEmail !== undefined) conditions.contact = { email: flags.contactEmail };
  const note = langText(flags.note, '--note');
  if (note) conditions.note = note;
  if (Object.keys(conditions).length > 0) draft.conditions = conditions;

  if (flags.validFrom !== undefined) draft.valid_from = parseTime(flags.validFrom, '--valid-from');
  if (flags.validUntil !== undefined) draft.valid_until = parseTime(flags.validUntil, '--valid-until');
  if (!isObject(draft.purposes))
    throw usageError('a record needs a purpose: --purpose PURPOSE=allow|deny|conditional, or "purposes"');
  if (!Array.isArray(work.ids) || work.ids.length === 0)
    throw usageError('a record needs a work identifier: --id SCHEME:VALUE, or "work.ids"');
  return draft;
}

/** The draft of an existing record, to start a superseding record from. */
export function draftFromRecord(record: PayloadOf<'record'>): Draft {
  const { kind: _k, v: _v, iss: _i, issued_at: _t, valid_from: _f, supersedes: _s, ...draft } = record;
  return draft as Draft;
}

/** A checked record payload for the issuer: identifiers normalized, defaults filled. */
export function recordPayload(draft: Draft, iss: string, supersedes?: string): PayloadOf<'record'> {
  return createRecord({
    ...(draft as unknown as RecordInput),
    iss,
    ...(supersedes !== undefined && { supersedes }),
  });
}
