/**
 * Multi-row INSERTs of one table as SQL text and arguments, the text cached per row count. Building
 * the same statements with drizzle's query builder costs about 100 µs per published record (more
 * than verifying its signature); this takes the table and column names from the drizzle schema and
 * maps values with the columns' own driver mapping. For the append path's hot statements only.
 */
import type { InStatement, InValue } from '@libsql/client';
import { type Column, getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/** Rows per statement unless a table says otherwise (SQLite allows 32,766 bound parameters). */
export const CHUNK = 400;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class RowInserter<R extends object> {
  readonly #head: string;
  readonly #tuple: string;
  readonly #keys: string[];
  readonly #columns: Column[];
  readonly #rowsPerStatement: number;
  readonly #sql = new Map<number, string>();

  constructor(table: SQLiteTable, keys: ReadonlyArray<keyof R & string>, rowsPerStatement = CHUNK) {
    const columns = getTableColumns(table) as Record<string, Column>;
    this.#keys = [...keys];
    this.#columns = this.#keys.map((k) => {
      const column = columns[k];
      if (column === undefined) throw new Error(`${getTableName(table)} has no column ${k}`);
      return column;
    });
    this.#head = `insert into "${getTableName(table)}" (${this.#columns.map((c) => `"${c.name}"`).join(', ')}) values `;
    this.#tuple = `(${this.#columns.map(() => '?').join(', ')})`;
    this.#rowsPerStatement = rowsPerStatement;
  }

  statements(rows: readonly R[]): InStatement[] {
    return chunks(rows, this.#rowsPerStatement).map((chunk) => {
      let text = this.#sql.get(chunk.length);
      if (text === undefined) {
        text = this.#head + Array.from({ length: chunk.length }, () => this.#tuple).join(', ');
        if (this.#sql.size < 64) this.#sql.set(chunk.length, text);
      }
      const args: InValue[] = [];
      for (const row of chunk) {
        for (let i = 0; i < this.#keys.length; i++) {
          const value = (row as Record<string, unknown>)[this.#keys[i]!];
          args.push(value == null ? null : (this.#columns[i]!.mapToDriverValue(value) as InValue));
        }
      }
      return { sql: text, args };
    });
  }
}
