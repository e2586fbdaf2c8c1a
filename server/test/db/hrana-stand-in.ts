/**
 * A stand-in for a libSQL server in tests where no `sqld` is available: the Hrana protocol version 2
 * over HTTP (`POST /v2/pipeline`, JSON), as @libsql/client speaks it by default to an `http:` URL,
 * executed on one connection to a local database file. Like sqld, it refuses a PRAGMA that sets a
 * value (foreign_keys aside, which libSQL's own migrate sends), so a node that would set one fails
 * here as it would on a server. Not a server: one connection for every stream, no auth, no cursor.
 */
import { createServer, type Server } from 'node:http';
import { type Client, createClient, type InValue, type ResultSet, type Transaction } from '@libsql/client';

type HranaValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

interface HranaStmt {
  sql?: string;
  sql_id?: number;
  args?: HranaValue[];
  named_args?: Array<{ name: string; value: HranaValue }>;
  want_rows?: boolean;
}

type Cond =
  | { type: 'ok' | 'error'; step: number }
  | { type: 'not'; cond: Cond }
  | { type: 'and' | 'or'; conds: Cond[] }
  | { type: 'is_autocommit' };

export interface HranaStandIn {
  url: string;
  /** Every SQL text executed, in order. */
  statements: string[];
  close(): Promise<void>;
}

const toValue = (v: HranaValue): InValue => {
  switch (v.type) {
    case 'null':
      return null;
    case 'integer':
      return BigInt(v.value);
    case 'float':
      return v.value;
    case 'text':
      return v.value;
    case 'blob':
      return Buffer.from(v.base64, 'base64');
  }
};

const fromValue = (v: unknown): HranaValue => {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  if (typeof v === 'number') return { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'text', value: v };
  if (v instanceof ArrayBuffer) return { type: 'blob', base64: Buffer.from(v).toString('base64') };
  if (ArrayBuffer.isView(v)) {
    return { type: 'blob', base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  throw new Error(`unexpected value ${String(v)}`);
};

const resultOf = (rs: ResultSet) => ({
  cols: rs.columns.map((name, i) => ({ name, decltype: rs.columnTypes[i] || null })),
  rows: rs.rows.map((row) => Array.from({ length: rs.columns.length }, (_, i) => fromValue(row[i]))),
  affected_row_count: rs.rowsAffected,
  last_insert_rowid: rs.lastInsertRowid === undefined ? null : rs.lastInsertRowid.toString(),
});

/** A PRAGMA that sets a value, which sqld refuses ("unsupported statement"). */
const SETTING_PRAGMA = /^\s*pragma\s+(?:\w+\.)?(\w+)\s*(=|\()/i;

export async function startHranaStandIn(file: string): Promise<HranaStandIn> {
  const db: Client = createClient({ url: `file:${file}`, intMode: 'bigint' });
  const statements: string[] = [];
  const stored = new Map<number, string>();
  let batons = 0;
  /** The open transaction: the client's connections are pooled, so BEGIN..COMMIT runs on one of its own. */
  let tx: Transaction | undefined;
  const empty = { cols: [], rows: [], affected_row_count: 0, last_insert_rowid: null };

  const execute = async (stmt: HranaStmt) => {
    const sql = stmt.sql ?? stored.get(stmt.sql_id ?? -1);
    if (sql === undefined) throw new Error(`unknown sql_id ${stmt.sql_id}`);
    statements.push(sql);
    const setting = SETTING_PRAGMA.exec(sql);
    if (setting && setting[1]!.toLowerCase() !== 'foreign_keys') throw new Error('unsupported statement');
    const verb = /^\s*(begin|commit|end|rollback)\b/i.exec(sql)?.[1]?.toLowerCase();
    if (verb === 'begin') {
      if (tx !== undefined) throw new Error('cannot start a transaction within a transaction');
      tx = await db.transaction('write');
      return empty;
    }
    if (verb !== undefined) {
      if (tx === undefined) throw new Error(`cannot ${verb} - no transaction is active`);
      const open = tx;
      tx = undefined;
      await (verb === 'rollback' ? open.rollback() : open.commit());
      return empty;
    }
    const args =
      stmt.named_args && stmt.named_args.length > 0
        ? Object.fromEntries(stmt.named_args.map((a) => [a.name.replace(/^[:@$]/, ''), toValue(a.value)]))
        : (stmt.args ?? []).map(toValue);
    return resultOf(await (tx ?? db).execute({ sql, args }));
  };
  const errorOf = (error: unknown) => ({
    message: error instanceof Error ? error.message : String(error),
    code: (error as { code?: string }).code ?? 'UNKNOWN',
  });

  const handle = async (request: Record<string, unknown>): Promise<unknown> => {
    switch (request.type) {
      case 'execute':
        return { type: 'execute', result: await execute(request.stmt as HranaStmt) };
      case 'batch': {
        const steps = (request.batch as { steps: Array<{ condition?: Cond; stmt: HranaStmt }> }).steps;
        const results: unknown[] = [];
        const errors: unknown[] = [];
        const holds = async (cond: Cond | undefined): Promise<boolean> => {
          if (cond === undefined) return true;
          switch (cond.type) {
            case 'ok':
              return results[cond.step] != null;
            case 'error':
              return errors[cond.step] != null;
            case 'not':
              return !(await holds(cond.cond));
            case 'and':
              for (const c of cond.conds) if (!(await holds(c))) return false;
              return true;
            case 'or':
              for (const c of cond.conds) if (await holds(c)) return true;
              return false;
            case 'is_autocommit':
              return tx === undefined;
          }
        };
        for (const step of steps) {
          results.push(null);
          errors.push(null);
          if (!(await holds(step.condition))) continue;
          try {
            results[results.length - 1] = await execute(step.stmt);
          } catch (error) {
            errors[errors.length - 1] = errorOf(error);
          }
        }
        return { type: 'batch', result: { step_results: results, step_errors: errors } };
      }
      case 'sequence': {
        const sql = (request.sql as string | undefined) ?? stored.get(request.sql_id as number) ?? '';
        statements.push(sql);
        await db.executeMultiple(sql);
        return { type: 'sequence' };
      }
      case 'store_sql':
        stored.set(request.sql_id as number, request.sql as string);
        return { type: 'store_sql' };
      case 'close_sql':
        stored.delete(request.sql_id as number);
        return { type: 'close_sql' };
      case 'get_autocommit':
        return { type: 'get_autocommit', is_autocommit: tx === undefined };
      case 'close':
        return { type: 'close' };
      default:
        throw new Error(`unsupported request ${String(request.type)}`);
    }
  };

  // One pipeline at a time: the stand-in has one connection, and a transaction spans one pipeline.
  let queue: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(req.url === '/health' || req.url === '/v2' ? 200 : 404).end();
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v2/pipeline') {
        res.writeHead(404).end();
        return;
      }
      const run = queue.then(async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          requests: Array<Record<string, unknown>>;
        };
        const results: unknown[] = [];
        for (const request of body.requests) {
          try {
            results.push({ type: 'ok', response: await handle(request) });
          } catch (error) {
            results.push({ type: 'error', error: errorOf(error) });
          }
        }
        const closes = body.requests.some((r) => r.type === 'close');
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ baton: closes ? null : `b${++batons}`, base_url: null, results }));
      });
      queue = run.catch(() => undefined);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    statements,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      db.close();
    },
  };
}
