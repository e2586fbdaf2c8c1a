/**
 * The sequencer's lease (docs/operations.md §7): of all node processes sharing one PostgreSQL
 * database, the one holding a session-level advisory lock signs checkpoints (and writes tiles);
 * the others serve the checkpoints it stored. The lock is the session's: when the holder's
 * process or connection dies, PostgreSQL releases it and another process takes it at its next
 * try, within `retryMs`. Two holders never overlap in PostgreSQL; a holder that lost its
 * connection stops signing as soon as its client reports the loss, and whatever it still signs
 * is a checkpoint of the one log (the log head row, not the lease, keeps the log from forking).
 */
import pg from 'pg';

/** The application name of the lease's connection, followed by the process id. */
export const LEASE_APPLICATION = 'kyodaku-sequencer';

/** The advisory lock's key: "Kyod" "akuL". */
const LEASE_KEY = '5437587329553249612';

export class SequencerLease {
  readonly #url: string;
  readonly #retryMs: number;
  #client: pg.Client | undefined;
  #held = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Called when this process takes the lease (it catches up, then signs). */
  onAcquired: (() => void) | undefined;

  constructor(url: string, retryMs = 1000) {
    this.#url = url;
    this.#retryMs = retryMs;
  }

  /** Whether this process holds the lease now. */
  get held(): boolean {
    return this.#held;
  }

  /** Tries to take the lease now, then every `retryMs` until it holds it. */
  async start(): Promise<void> {
    await this.#try();
  }

  async #try(): Promise<void> {
    this.#timer = undefined;
    if (this.#closed || this.#held) return;
    try {
      if (this.#client === undefined) {
        // Named so an operator (and the scale-out test) sees which process holds the lease:
        // pg_locks (advisory) joined with pg_stat_activity.
        const client = new pg.Client({
          connectionString: this.#url,
          application_name: `${LEASE_APPLICATION} ${process.pid}`,
        });
        client.on('error', () => this.#lost(client));
        client.on('end', () => this.#lost(client));
        await client.connect();
        this.#client = client;
      }
      const { rows } = await this.#client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
        LEASE_KEY,
      ]);
      if (rows[0]?.ok === true && !this.#closed) {
        this.#held = true;
        this.onAcquired?.();
        return;
      }
    } catch {
      // The database is unreachable: try again later.
      if (this.#client !== undefined) this.#lost(this.#client);
    }
    this.#schedule();
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#held = false;
    void client.end().catch(() => {});
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.#try(), this.#retryMs);
    this.#timer.unref();
  }

  /** Gives the lease up (the session ends). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#held = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
