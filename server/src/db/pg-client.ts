/**
 * The PostgreSQL engine (KYODAKU_DB=postgres://…) behind the node's one SQL interface: a pool of
 * node-postgres connections answering the calls the node makes of a libSQL client (`execute`,
 * `batch`, `close`), so drizzle's query builder, every store and every test run unchanged on either
 * engine. The node's queries are plain SQL both engines read (drizzle writes `?` placeholders,
 * renumbered here as `$n`); the PostgreSQL tables are declared in `schema-pg.ts` with pg-core and
 * migrated from `server/drizzle-pg/`. `bigint` columns come back as numbers (every count and seq
 * stays below 2^53), `bytea` as Buffers.
 */
import type { Client, InStatement, InValue, ResultSet, Row } from '@libsql/client';
import pg from 'pg';

/** Most connections of one node process (reads, the writer's transactions, the log follower). */
const POOL_SIZE = 8;

/** `int8` (bigint, count(*)) as a JavaScript number; every other type as node-postgres parses it. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Whether `url` names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function openPgPool(url: string, max = POOL_SIZE): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle connection the server ended (a restart) is dropped from the pool, not a crash.
  pool.on('error', () => {});
  return pool;
}

/** `?` placeholders outside quoted text and identifiers, renumbered `$1`, `$2`… */
export function numberedPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') out += `$${++n}`;
    else out += ch;
  }
  return out;
}

/**
 * The one construct of drizzle's SQLite text PostgreSQL reads otherwise: SQLite accepts a
 * conflict target qualified with its table (`on conflict ("parties"."party_id")`), PostgreSQL
 * wants the bare column.
 */
export function unqualifiedConflictTarget(text: string): string {
  return text.replace(
    / on conflict \(([^)]*)\)/g,
    (_, cols: string) => ` on conflict (${cols.replace(/"[^"]+"\./g, '')})`,
  );
}

const converted = new Map<string, string>();
function pgText(text: string): string {
  let out = converted.get(text);
  if (out === undefined) {
    out = unqualifiedConflictTarget(numberedPlaceholders(text));
    if (converted.size < 4096) converted.set(text, out);
  }
  return out;
}

function argsOf(stmt: InStatement): InValue[] {
  if (typeof stmt === 'string') return [];
  if (stmt.args === undefined) return [];
  if (!Array.isArray(stmt.args)) throw new Error('named SQL arguments are not supported on PostgreSQL');
  return stmt.args.map((a) => (a instanceof ArrayBuffer ? Buffer.from(a) : a)) as InValue[];
}

/** A libSQL-shaped result: rows are array-like with the column names as properties. */
function resultOf(result: pg.QueryArrayResult): ResultSet {
  const columns = result.fields.map((f) => f.name);
  const rows = result.rows.map((values) => {
    const row: Record<string | number, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
    for (let i = 0; i < values.length; i++)
      Object.defineProperty(row, i, { value: values[i], enumerable: false });
    Object.defineProperty(row, 'length', { value: values.length, enumerable: false });
    return row as unknown as Row;
  });
  return {
    columns,
    columnTypes: columns.map(() => ''),
    rows,
    rowsAffected: result.rowCount ?? 0,
    lastInsertRowid: undefined,
    toJSON: () => ({ columns, rows: result.rows }),
  };
}

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export function runOn(on: Queryable, stmt: InStatement): Promise<ResultSet> {
  const text = typeof stmt === 'string' ? stmt : stmt.sql;
  return on
    .query({ text: pgText(text), values: argsOf(stmt), rowMode: 'array' })
    .then((r) => resultOf(r as pg.QueryArrayResult));
}

/** Runs `work` in one transaction on one connection of the pool; rolls back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const connection = await pool.connect();
  let broken = false;
  try {
    await connection.query('BEGIN');
    const out = await work(connection);
    await connection.query('COMMIT');
    return out;
  } catch (error) {
    try {
      await connection.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    connection.release(broken);
  }
}

/** A libSQL-shaped client over a PostgreSQL pool: the calls the node, drizzle and the tests make. */
export function pgClient(pool: pg.Pool): Client {
  let closed = false;
  const client = {
    protocol: 'postgres',
    get closed() {
      return closed;
    },
    execute: (stmt: InStatement | string, args?: InValue[]) =>
      runOn(pool, typeof stmt === 'string' && args !== undefined ? { sql: stmt, args } : stmt),
    batch: (stmts: InStatement[]) =>
      inTransaction(pool, async (c) => {
        const results: ResultSet[] = [];
        for (const stmt of stmts) results.push(await runOn(c, stmt));
        return results;
      }),
    close: () => {
      if (closed) return;
      closed = true;
      void pool.end();
    },
  };
  // The node's code and drizzle's libSQL session call only these members.
  return client as unknown as Client;
}
