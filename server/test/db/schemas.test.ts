/**
 * The two engines' schemas (db/schema.ts for libSQL, db/schema-pg.ts for PostgreSQL) declare the
 * same tables with the same columns, so every query the stores build runs on both; and the SQL
 * text drizzle writes is renumbered for PostgreSQL without touching quoted text.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { numberedPlaceholders, unqualifiedConflictTarget } from '../../src/db/pg-client.ts';
import * as libsql from '../../src/db/schema.ts';
import * as postgres from '../../src/db/schema-pg.ts';

const tablesOf = (module: Record<string, unknown>) =>
  new Map(
    Object.values(module)
      .filter((v): v is Table => typeof v === 'object' && v !== null && getTableColumnsSafe(v) !== undefined)
      .map((t) => [
        getTableName(t),
        Object.values(getTableColumns(t))
          .map((c) => `${c.name}${c.notNull ? ' not null' : ''}${c.primary ? ' primary' : ''}`)
          .sort(),
      ]),
  );

function getTableColumnsSafe(v: object): unknown {
  try {
    return Object.keys(getTableColumns(v as Table)).length > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

describe('engine schemas', () => {
  it('PostgreSQL has every libSQL table with the same columns, plus the log head', () => {
    const pg = tablesOf(postgres);
    const lite = tablesOf(libsql);
    expect(lite.size).toBeGreaterThan(10);
    for (const [name, columns] of lite) expect(pg.get(name), name).toEqual(columns);
    expect([...pg.keys()].filter((n) => !lite.has(n))).toEqual(['log_head']);
  });

  it('renumbers ? placeholders outside quotes and unqualifies conflict targets', () => {
    expect(numberedPlaceholders(`select "a?" from t where x = ? and y = '?' || ?`)).toBe(
      `select "a?" from t where x = $1 and y = '?' || $2`,
    );
    expect(
      unqualifiedConflictTarget('insert into "p" ("a") values ($1) on conflict ("p"."a") do nothing'),
    ).toBe('insert into "p" ("a") values ($1) on conflict ("a") do nothing');
  });
});
