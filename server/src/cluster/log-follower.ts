/**
 * Keeps one node process current with the log other processes append to the shared PostgreSQL
 * database (docs/operations.md §7): it LISTENs on the channel every write notifies on commit
 * (db/pg-writer.ts) and, on each notification and every `pollMs` in any case (a notification
 * missed while its connection was down), catches the object log up (`seq >= size`, applied to
 * memory by cluster/shared-log.ts) and adopts the newest checkpoint the sequencer stored. A
 * process therefore reflects another's acknowledged publication within `pollMs` at worst, usually
 * within one notification's delay.
 */
import pg from 'pg';
import { LOG_CHANNEL } from '../db/pg-writer.ts';

export interface FollowTarget {
  /** Catches memory up with the stored log (ObjectLog.catchUp, then the checkpoint). */
  catchUp(): Promise<void>;
}

export class LogFollower {
  readonly #url: string;
  readonly #target: FollowTarget;
  readonly #pollMs: number;
  #client: pg.Client | undefined;
  #poll: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  /** The last failure to catch up, until one succeeds (for logs and health). */
  lastError: unknown;

  constructor(url: string, target: FollowTarget, pollMs = 1000) {
    this.#url = url;
    this.#target = target;
    this.#pollMs = pollMs;
  }

  async start(): Promise<void> {
    this.#poll = setInterval(() => {
      if (this.#client === undefined) void this.#listen();
      this.wake();
    }, this.#pollMs);
    this.#poll.unref();
    await this.#listen();
  }

  async #listen(): Promise<void> {
    if (this.#closed || this.#client !== undefined) return;
    const client = new pg.Client({ connectionString: this.#url });
    const lost = () => {
      if (this.#client === client) this.#client = undefined;
      void client.end().catch(() => {});
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.wake());
    this.#client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${LOG_CHANNEL}`);
    } catch {
      lost();
    }
  }

  /** Catches up now (or once more after the catch-up running now). */
  wake(): void {
    if (this.#closed) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#target.catchUp();
          this.lastError = undefined;
        } catch (error) {
          if (this.#closed) break;
          if (this.lastError === undefined)
            console.error('kyodaku-server: following the shared log failed:', error);
          this.lastError = error;
        }
      } while (this.#again && !this.#closed);
      this.#running = undefined;
    })();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#poll !== undefined) clearInterval(this.#poll);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
    await this.#running;
  }
}
