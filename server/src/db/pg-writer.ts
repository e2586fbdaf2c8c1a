/**
 * The writer of the PostgreSQL engine, where many node processes append to one log. An append
 * (ObjectLog's group commits and bulk loads) runs under the log head's row lock: `lockLog()` opens
 * a transaction and reads the head row `FOR UPDATE`, so the appends of all processes take turns;
 * the process then catches up with what others appended, plans its group against that state and
 * writes it with `batch(…, append)` in the same transaction, which commits and lets the next
 * process in. The append also moves the head from the size it was planned against to the new one
 * (`UPDATE log_head … WHERE size = expected`): `seq` stays dense and unique, and an append planned
 * against a stale size (one retried outside the lock) changes nothing and fails with
 * `StaleLogError`; the process catches up and plans again, it can never fork the log. Every
 * transaction notifies `kyodaku_log` (with the new size after an append), delivered on commit to
 * every process listening (cluster/log-follower.ts): new objects, a new checkpoint, followed pages.
 */
import type { InStatement } from '@libsql/client';
import type pg from 'pg';
import { inTransaction, runOn } from './pg-client.ts';
import type { LogAppend, Writer } from './writer.ts';

/** The channel every write notifies. */
export const LOG_CHANNEL = 'kyodaku_log';

/** An append planned against a log size another process has moved on from: nothing was written. */
export class StaleLogError extends Error {
  override name = 'StaleLogError';
  constructor(
    readonly expected: number,
    readonly size: number,
  ) {
    super(`log: planned against size ${expected}, the log has ${size}`);
  }
}

/** The statements of one transaction, the append's head move and the notification included. */
async function write(c: pg.PoolClient, stmts: InStatement[], append: LogAppend | undefined): Promise<void> {
  if (append !== undefined) {
    const moved = await c.query('UPDATE log_head SET size = $1 WHERE id = 1 AND size = $2', [
      append.to,
      append.from,
    ]);
    if (moved.rowCount !== 1) {
      const { rows } = await c.query<{ size: string }>('SELECT size FROM log_head WHERE id = 1');
      throw new StaleLogError(append.from, Number(rows[0]?.size ?? -1));
    }
  }
  for (const stmt of stmts) await runOn(c, stmt);
  await c.query('SELECT pg_notify($1, $2)', [LOG_CHANNEL, append === undefined ? '' : String(append.to)]);
}

export function pgWriter(pool: pg.Pool): Writer {
  let closed = false;
  /** The open transaction holding the head row's lock, between lockLog() and the append. */
  let locked: pg.PoolClient | undefined;
  return {
    async lockLog() {
      if (closed) throw new Error('the database writer is closed');
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('SELECT size FROM log_head WHERE id = 1 FOR UPDATE');
      } catch (error) {
        c.release(true);
        throw error;
      }
      locked = c;
      return async () => {
        if (locked !== c) return;
        // Nothing was appended under the lock (every job refused, or the append failed).
        locked = undefined;
        let broken = false;
        await c.query('ROLLBACK').catch(() => {
          broken = true;
        });
        c.release(broken);
      };
    },
    batch: async (stmts, append?: LogAppend) => {
      if (closed) throw new Error('the database writer is closed');
      const c = append === undefined ? undefined : locked;
      if (c === undefined) return inTransaction(pool, (t) => write(t, stmts, append));
      locked = undefined;
      let broken = false;
      try {
        await write(c, stmts, append);
        await c.query('COMMIT');
      } catch (error) {
        await c.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        c.release(broken);
      }
    },
    pragmas: async () => ({ main: {} }),
    close: async () => {
      closed = true;
    },
  };
}
