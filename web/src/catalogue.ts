/**
 * Catalogue files for bulk import: JSONL (one record draft per line, the shape `kyodaku record
 * import` takes: `{"work": {...}, "purposes": {...}, "conditions"?, "valid_until"?}`, or a compact JWS
 * to send as is) and CSV (a header row `type,ids,title_ja,title_en,<purpose>…`, ids separated by `|`).
 */
import { createRecord, isPurpose, type schemas } from '@kyodaku/client/browser';

type Record_ = schemas.RecordView['record'];

/** One line of a catalogue: a payload to sign, a JWS to send, or why the line is refused. */
export type CatalogueLine = { line: number } & ({ payload: Record_ } | { jws: string } | { error: string });

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const DRAFT_MEMBERS = new Set(['work', 'purposes', 'conditions', 'valid_from', 'valid_until']);

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fromDraft(line: number, iss: string, draft: unknown): CatalogueLine {
  try {
    if (draft === null || typeof draft !== 'object' || Array.isArray(draft))
      throw new Error('not a JSON object');
    for (const key of Object.keys(draft))
      if (!DRAFT_MEMBERS.has(key)) throw new Error(`unknown member "${key}"`);
    return {
      line,
      payload: createRecord({ ...(draft as Omit<Parameters<typeof createRecord>[0], 'iss'>), iss }),
    };
  } catch (error) {
    return { line, error: message(error) };
  }
}

export function parseJsonl(text: string, iss: string): CatalogueLine[] {
  const out: CatalogueLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (JWS.test(line)) {
      out.push({ line: i + 1, jws: line });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.push({ line: i + 1, error: 'not JSON and not a compact JWS' });
      return;
    }
    out.push(fromDraft(i + 1, iss, value));
  });
  return out;
}

/** RFC 4180 fields of CSV text: quoted fields may hold commas, quotes ("") and line breaks. */
export function csvRows(text: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((x) => x !== '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += c;
  }
  cells.push(cell);
  if (cells.some((x) => x !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

export function parseCsv(text: string, iss: string): CatalogueLine[] {
  const [header, ...rows] = csvRows(text);
  if (header === undefined) return [];
  const columns = header.cells.map((c) => c.trim());
  for (const required of ['type', 'ids']) {
    if (!columns.includes(required)) return [{ line: header.line, error: `no "${required}" column` }];
  }
  return rows.map(({ line, cells }) => {
    const get = (name: string) => cells[columns.indexOf(name)]?.trim() ?? '';
    const titles: Record<string, string> = {};
    if (get('title_ja')) titles.ja = get('title_ja');
    if (get('title_en')) titles.en = get('title_en');
    const purposes: Record<string, string> = {};
    for (const column of columns) if (isPurpose(column) && get(column) !== '') purposes[column] = get(column);
    const conditions: Record<string, unknown> = {};
    if (get('attribution')) conditions.attribution = { required: true, text: { ja: get('attribution') } };
    if (get('note_ja')) conditions.note = { ja: get('note_ja') };
    return fromDraft(line, iss, {
      work: {
        type: get('type'),
        ids: get('ids')
          .split('|')
          .map((x) => x.trim())
          .filter((x) => x !== ''),
        ...(Object.keys(titles).length > 0 && { titles }),
      },
      purposes,
      ...(Object.keys(conditions).length > 0 && { conditions }),
    });
  });
}

export function parseCatalogue(name: string, text: string, iss: string): CatalogueLine[] {
  return /\.csv$/i.test(name) ? parseCsv(text, iss) : parseJsonl(text, iss);
}
