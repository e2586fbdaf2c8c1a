/**
 * Import (spec/interop.md §10): a site's existing declarations as unsigned record drafts, the input
 * of `kyodaku record import`, for the holder to review and sign. Nothing here signs or publishes.
 */
import type { Permission, PurposeLeaf } from '../purposes.ts';
import type { Conditions } from '../schemas/objects.ts';
import { readPreference } from './aipref.ts';
import { readCawgAssertion } from './cawg.ts';
import type { Finding, Parsed } from './findings.ts';
import { parseRobots } from './robots.ts';
import { readRsl } from './rsl.ts';
import { readEpubTdm, readTdmHtmlMeta } from './tdm-meta.ts';
import { permissionsOfTdm, readTdmrepJson, type TdmDeclaration } from './tdmrep.ts';
import { identifierOfPattern } from './url-paths.ts';
import type { LeafPermissions } from './vocabulary.ts';

export const IMPORT_FORMATS = ['aipref', 'tdmrep', 'tdmrep-html', 'tdmrep-epub', 'rsl', 'cawg'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface RecordDraft {
  work: { type: 'work' | 'character' | 'voice' | 'likeness'; ids: string[] };
  purposes: Partial<Record<PurposeLeaf, Permission>>;
  conditions?: Conditions;
}

export interface ImportContext {
  /** The site that relative paths (robots.txt, tdmrep.json, RSL) are on, e.g. https://example.jp. */
  site?: string;
  /** The identifiers of the one item a header value or an assertion is about. */
  ids?: readonly string[];
  type?: RecordDraft['work']['type'];
}

/** A draft and the line of the declaration it came from. */
export interface SourcedDraft {
  line?: number;
  draft: RecordDraft;
}

function draft(
  ids: string[],
  permissions: LeafPermissions,
  type: RecordDraft['work']['type'],
  conditions?: Conditions,
): RecordDraft {
  return {
    work: { type, ids },
    purposes: permissions,
    ...(conditions !== undefined && Object.values(permissions).includes('conditional') && { conditions }),
  };
}

/** The note a conditional purpose carries when the signal states no structured terms (REQ-INTEROP-071). */
function noteConditions(text: string): Conditions {
  return { note: { en: `${text} (imported: replace with the terms before signing)` } };
}

function siteIdentifier(
  context: ImportContext,
  pattern: string,
  line: number | undefined,
  errors: Finding[],
): string | undefined {
  const at = line === undefined ? {} : { line };
  let site = context.site;
  let path = pattern;
  const absolute = /^https?:\/\//i.exec(pattern) !== null;
  if (absolute) {
    const url = new URL(pattern);
    site = url.origin;
    path = pattern.slice(url.origin.length) || '/';
  }
  if (site === undefined) {
    errors.push({ ...at, message: `the path ${JSON.stringify(pattern)} needs --site (the site it is on)` });
    return undefined;
  }
  const id = identifierOfPattern(site, path);
  if (id === undefined)
    errors.push({
      ...at,
      message: `the path pattern ${JSON.stringify(pattern)} names no Kyodaku identifier (a * before its end, or a $ inside)`,
    });
  return id;
}

function itemIds(context: ImportContext, errors: Finding[], what: string): string[] | undefined {
  if (context.ids === undefined || context.ids.length === 0) {
    errors.push({ message: `${what} is about one item: name it with --id` });
    return undefined;
  }
  return [...context.ids];
}

function fromAipref(text: string, context: ImportContext): Parsed<SourcedDraft[]> {
  const type = context.type ?? 'work';
  const drafts: SourcedDraft[] = [];
  if (/^\s*user-agent\s*:/im.test(text)) {
    const robots = parseRobots(text);
    const errors = [...robots.errors];
    const warnings = [...robots.warnings];
    for (const group of robots.value) {
      if (!group.agents.includes('*')) {
        for (const rule of group.usage)
          warnings.push({
            line: rule.line,
            message: `Content-Usage for ${group.agents.join(', ')} only: records are not per crawler; skipped`,
          });
        continue;
      }
      for (const rule of group.usage) {
        const preference = readPreference(rule.value, rule.line);
        errors.push(...preference.errors);
        warnings.push(...preference.warnings);
        const id = siteIdentifier(context, rule.path === '' ? '/' : rule.path, rule.line, errors);
        if (id === undefined || preference.errors.length > 0) continue;
        if (Object.keys(preference.value).length === 0) {
          warnings.push({ line: rule.line, message: 'no preference Kyodaku maps: no draft' });
          continue;
        }
        drafts.push({ line: rule.line, draft: draft([id], preference.value, type) });
      }
    }
    return { value: drafts, errors, warnings };
  }
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l, i) => ({ line: i + 1, text: l.replace(/^\s*content-usage\s*:/i, '').trim() }));
  const values = lines.filter((l) => l.text !== '' && !l.text.startsWith('#'));
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  if (values.length !== 1) {
    errors.push({
      message: `a Content-Usage file holds one value (or is a robots.txt); found ${values.length}`,
    });
    return { value: drafts, errors, warnings };
  }
  const { line, text: value } = values[0]!;
  const preference = readPreference(value, line);
  errors.push(...preference.errors);
  warnings.push(...preference.warnings);
  const ids = itemIds(context, errors, 'a Content-Usage value');
  if (ids !== undefined && errors.length === 0)
    drafts.push({ line, draft: draft(ids, preference.value, type) });
  return { value: drafts, errors, warnings };
}

function fromTdmrep(text: string, context: ImportContext): Parsed<SourcedDraft[]> {
  const read = readTdmrepJson(text);
  const errors = [...read.errors];
  const drafts: SourcedDraft[] = [];
  for (const rule of read.value) {
    const id = siteIdentifier(context, rule.location, rule.line, errors);
    if (id === undefined) continue;
    const conditions = rule.policy === undefined ? undefined : noteConditions(`TDM policy: ${rule.policy}`);
    drafts.push({
      ...(rule.line !== undefined && { line: rule.line }),
      draft: draft([id], permissionsOfTdm(rule), context.type ?? 'work', conditions),
    });
  }
  return { value: drafts, errors, warnings: read.warnings };
}

/** The one draft of a document's TDMRep declaration (an HTML page, an EPUB), for `ids`. */
function tdmDocumentDraft(
  declaration: TdmDeclaration | undefined,
  ids: string[] | undefined,
  context: ImportContext,
  errors: Finding[],
  warnings: Finding[],
): SourcedDraft[] {
  if (ids === undefined || errors.length > 0) return [];
  if (declaration === undefined) {
    warnings.push({ message: 'no tdm-reservation: no draft' });
    return [];
  }
  const conditions =
    declaration.policy === undefined ? undefined : noteConditions(`TDM policy: ${declaration.policy}`);
  return [{ draft: draft(ids, permissionsOfTdm(declaration), context.type ?? 'work', conditions) }];
}

function fromTdmHtml(text: string, context: ImportContext): Parsed<SourcedDraft[]> {
  const read = readTdmHtmlMeta(text);
  const errors = [...read.errors];
  const warnings = [...read.warnings];
  const ids = itemIds(context, errors, 'an HTML page');
  return { value: tdmDocumentDraft(read.value, ids, context, errors, warnings), errors, warnings };
}

/** An EPUB is about the publication its ISBN names, unless --id names it. */
function fromTdmEpub(text: string, context: ImportContext): Parsed<SourcedDraft[]> {
  const read = readEpubTdm(text);
  const errors = [...read.errors];
  const warnings = [...read.warnings];
  let ids: string[] | undefined;
  if (context.ids !== undefined && context.ids.length > 0) ids = [...context.ids];
  else if (read.value.ids.length > 0) ids = read.value.ids;
  else if (errors.length === 0)
    errors.push({ message: 'the package names no ISBN (dc:identifier): name the publication with --id' });
  return {
    value: tdmDocumentDraft(read.value.declaration, ids, context, errors, warnings),
    errors,
    warnings,
  };
}

function fromRsl(text: string, context: ImportContext): Parsed<SourcedDraft[]> {
  const read = readRsl(text);
  const errors = [...read.errors];
  const warnings = [...read.warnings];
  const drafts: SourcedDraft[] = [];
  for (const content of read.value) {
    const id = siteIdentifier(context, content.url, content.line, errors);
    if (id === undefined) continue;
    if (Object.keys(content.permissions).length === 0) {
      warnings.push({ line: content.line, message: 'grants and prohibits nothing Kyodaku maps: no draft' });
      continue;
    }
    drafts.push({
      line: content.line,
      draft: draft([id], content.permissions, context.type ?? 'work', content.conditions),
    });
  }
  return { value: drafts, errors, warnings };
}

function fromCawg(text: string, context: ImportContext): Parsed<SourcedDraft[]> {
  const read = readCawgAssertion(text);
  const errors = [...read.errors];
  const ids = itemIds(context, errors, 'a CAWG assertion');
  const { permissions, constraints } = read.value;
  const conditions = noteConditions(
    constraints.length > 0
      ? `CAWG constraints: ${constraints.join('; ')}`
      : 'CAWG constrained: the assertion states no terms',
  );
  const drafts =
    ids === undefined || errors.length > 0
      ? []
      : [{ draft: draft(ids, permissions, context.type ?? 'work', conditions) }];
  return { value: drafts, errors, warnings: read.warnings };
}

/** The drafts a file of a format gives, with every error and warning by line. */
export function draftsFrom(
  format: ImportFormat,
  text: string,
  context: ImportContext,
): Parsed<SourcedDraft[]> {
  switch (format) {
    case 'aipref':
      return fromAipref(text, context);
    case 'tdmrep':
      return fromTdmrep(text, context);
    case 'tdmrep-html':
      return fromTdmHtml(text, context);
    case 'tdmrep-epub':
      return fromTdmEpub(text, context);
    case 'rsl':
      return fromRsl(text, context);
    case 'cawg':
      return fromCawg(text, context);
  }
}
