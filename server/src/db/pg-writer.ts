/**
 * The writer of the PostgreSQL engine: every transaction runs on one connection of the pool. An
 * append (ObjectLog's group commits and bulk loads) first moves the log head from the size its
 * process planned against to the new size (`UPDATE log_head … WHERE size = expected`): the update
 * takes the head row's lock, so appends of all processes sharing the database commit one after
 * the other, `seq` stays dense and unique, and an append planned against a stale size changes
 * nothing and fails with `StaleLogError` (the process catches up and plans again; it can never
 * fork the log). Every transaction notifies `kyodaku_log` (with the new size after an append),
 * delivered on commit to every process listening (cluster/log-follower.ts): new objects, a new
 * checkpoint, followed pages.
 */
import type pg from 'pg';
import { inTransaction, runOn } from './pg-client.ts';
import type { LogAppend, Writer } from './writer.ts';

/** The channel every append notifies with the log's new size. */
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

export function pgWriter(pool: pg.Pool): Writer {
  let closed = false;
  return {
    batch: async (stmts, append?: LogAppend) => {
      if (closed) throw new Error('the database writer is closed');
      await inTransaction(pool, async (c) => {
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
        await c.query('SELECT pg_notify($1, $2)', [
          LOG_CHANNEL,
          append === undefined ? '' : String(append.to),
        ]);
      });
    },
    pragmas: async () => ({ main: {} }),
    close: async () => {
      closed = true;
    },
  };
}
