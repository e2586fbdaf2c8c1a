/**
 * Items of a dataset manifest for `kyodaku filter`: each JSONL object, CSV or TSV row, or text line
 * is one item named by one or more identifiers — `scheme:value` ids, bare `http(s)://` URLs (as
 * `url:` ids) and bare 64-hex values (as `sha256:` ids) — read from the id fields
 * (`--id-field`, default `id`, `ids`, `url`, `sha256`, `identifier`). Values that are not valid
 * identifiers are counted and left out: no record can name them.
 *
 * CSV and TSV follow RFC 4180 within one line (quoted fields may hold the separator and doubled
 * quotes, not line breaks); the first line is the header.
 */
import { tryNormalizeIdentifier } from '../identifiers.ts';

export const DEFAULT_ID_FIELDS = ['id', 'ids', 'url', 'sha256', 'identifier'] as const;

export type ManifestFormat = 'jsonl' | 'csv' | 'tsv' | 'txt' | 'parquet';

export interface ManifestItem {
  line: number;
  /** The item's normalized identifiers (none: the item names nothing a record can name). */
  ids: string[];
  /** Values in id fields that are not identifiers. */
  invalid: number;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** The identifier a field value stands for (64 hex digits: a SHA-256), or undefined when none. */
export function identifierOf(value: string): string | undefined {
  const v = value.trim();
  if (v.length === 0) return undefined;
  if (/^https?:\/\//i.test(v)) return tryNormalizeIdentifier(`url:${v}`);
  if (HEX64.test(v)) return tryNormalizeIdentifier(`sha256:${v}`);
  return tryNormalizeIdentifier(v);
}

/** The item named by the values of an object's id fields (strings or arrays of strings). */
export function itemOfRecord(
  line: number,
  record: Record<string, unknown>,
  fields: readonly string[],
): ManifestItem {
  const ids = new Set<string>();
  let invalid = 0;
  for (const field of fields) {
    const value = record[field];
    for (const v of Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]) {
      const id = typeof v === 'string' ? identifierOf(v) : undefined;
      if (id === undefined) invalid++;
      else ids.add(id);
    }
  }
  return { line, ids: [...ids], invalid };
}

/** The fields of one CSV/TSV line (RFC 4180 quoting), or undefined when a quote is left open. */
export function splitRow(text: string, separator: ',' | '\t'): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) return undefined;
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      if (i >= text.length) return fields;
      if (text[i] !== separator) return undefined;
      i++;
    } else {
      const end = text.indexOf(separator, i);
      if (end < 0) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, end));
      i = end + 1;
    }
  }
}

/**
 * Reads items line by line: `itemOf(number, text)` for each line of a JSONL, CSV, TSV or text
 * manifest (the header of CSV and TSV is `header(text)`, and yields no item).
 */
export function lineItemReader(format: Exclude<ManifestFormat, 'parquet'>, fields: readonly string[]) {
  let columns: string[] | undefined;
  const separator = format === 'tsv' ? '\t' : ',';
  return {
    /** True for the line that is the header (the first line of CSV or TSV). */
    isHeader: (number: number) => (format === 'csv' || format === 'tsv') && number === 1,
    itemOf(number: number, text: string): ManifestItem | 'skip' {
      if (format === 'txt') {
        const t = text.trim();
        if (t.length === 0 || t.startsWith('#')) return 'skip';
        const ids = t.split(/\s+/).map((v) => identifierOf(v));
        const valid = ids.filter((x): x is string => x !== undefined);
        return { line: number, ids: valid, invalid: ids.length - valid.length };
      }
      if (text.trim().length === 0) return 'skip';
      if (format === 'jsonl') {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return { line: number, ids: [], invalid: 1 };
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          return { line: number, ids: [], invalid: 1 };
        return itemOfRecord(number, value as Record<string, unknown>, fields);
      }
      const row = splitRow(text, separator as ',' | '\t');
      if (number === 1) {
        columns = row ?? [];
        return 'skip';
      }
      if (row === undefined || columns === undefined) return { line: number, ids: [], invalid: 1 };
      const record: Record<string, string> = {};
      columns.forEach((c, i) => {
        if (row[i] !== undefined) record[c.trim()] = row[i]!;
      });
      return itemOfRecord(number, record, fields);
    },
  };
}
