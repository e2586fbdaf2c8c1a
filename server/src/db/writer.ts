/**
 * Where the node's writes run: the store's group commits, signed checkpoints, followed pages and
 * peer state all go through one Writer (migrations aside, at start-up). @libsql/client executes statements synchronously on the
 * calling thread, so writing a group of a thousand records (multi-row INSERTs, index updates, the
 * WAL commit) would stop the event loop for tens of milliseconds: on a database file such writes
 * run instead on a writer thread with its own connection (write-worker.js), while the main thread
 * keeps answering, parsing and verifying. A small transaction (one publication) runs inline on the
 * main connection when the thread has nothing in flight, which saves the hop between threads; the
 * two connections therefore never write at the same time, and transactions commit in the order
 * they were sent. Reads stay on the main connection: in WAL mode a read started after a commit
 * sees it. An in-memory database has one connection, so its writes stay inline. PostgreSQL has its
 * own writer (pg-writer.ts).
 */
import { Worker } from 'node:worker_threads';
import type { Client, InStatement, InValue } from '@libsql/client';
import { FILE_PRAGMAS, isFileUrl, readPragmas, reopenConnection } from './open.ts';

/** An append to the log: the size it was planned against and the size after it. */
export interface LogAppend {
  from: number;
  to: number;
}

export interface Writer {
  /**
   * Runs the statements in one transaction; resolves once it has committed. With `append`, the
   * transaction appends to the log: on PostgreSQL, where many processes append, it moves the log
   * head and fails with `StaleLogError` if another process appended first (pg-writer.ts); a libSQL
   * file has one writing process, whose ObjectLog already serialises its appends.
   */
  batch(stmts: InStatement[], append?: LogAppend): Promise<void>;
  /**
   * Where many processes append (PostgreSQL): takes the log's lock until the next append commits
   * (or the returned release is called), so the caller catches up and plans under it. Absent
   * where one process writes.
   */
  lockLog?(): Promise<() => Promise<void>>;
  /**
   * The per-connection pragmas (open.ts CHECKED_PRAGMAS) as read back from every connection that
   * writes: `main`, and `thread` for a writer thread (started if it was not).
   */
  pragmas(): Promise<{ main: Record<string, unknown>; thread?: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A drizzle query built on the main connection's `db`, as a statement for a writer. */
export function statementOf(query: { toSQL(): { sql: string; params: unknown[] } }): InStatement {
  const { sql, params } = query.toSQL();
  return { sql, args: params as InValue[] };
}

/** A failed transaction of the writer thread, with the driver's error code (e.g. SQLITE_CONSTRAINT). */
export class WriteError extends Error {
  override name = 'WriteError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Whether a failed statement left its connection unable to commit (see reopenConnection). */
const leavesConnectionStuck = (code: unknown) =>
  typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));

function inlineWriter(client: Client, pragmas: readonly string[]): Writer {
  return {
    batch: async (stmts) => {
      try {
        await client.batch(stmts, 'deferred');
      } catch (error) {
        if (leavesConnectionStuck((error as { code?: unknown }).code))
          await reopenConnection(client, pragmas);
        throw error;
      }
    },
    pragmas: async () => ({ main: await readPragmas(client) }),
    close: async () => {},
  };
}

interface Reply {
  id: number;
  error?: { message: string; code?: string };
  /** The answer to a `pragmas` message. */
  pragmas?: Record<string, unknown>;
}

/** Most bound values of a transaction that may run inline (about a dozen records). */
const INLINE_MAX_VALUES = 400;

const valuesOf = (stmts: InStatement[]) =>
  stmts.reduce((n, s) => n + (typeof s === 'string' ? 0 : Array.isArray(s.args) ? s.args.length : 1), 0);

/**
 * The writer of the database at `url`: a writer thread for a file, else `client` itself. `pragmas`
 * are the statements every writing connection runs first (OpenDb.connectionPragmas). PostgreSQL
 * has its own (pg-writer.ts).
 */
export function openWriter(url: string, client: Client, pragmas: readonly string[] = FILE_PRAGMAS): Writer {
  const inline = inlineWriter(client, isFileUrl(url) ? pragmas : []);
  return isFileUrl(url) ? threadWriter(url, inline, pragmas) : inline;
}

/**
 * A writer thread on the database file at `url`, with the connection pragmas of the main one,
 * started with the first transaction too large to run inline.
 */
function threadWriter(url: string, inline: Writer, pragmas: readonly string[]): Writer {
  /** Messages sent and not answered yet, with the thread they were sent to. */
  const pending = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (error: Error) => void; thread: Worker }
  >();
  const inFlight = new Set<Promise<unknown>>();
  let worker: Worker | undefined;
  let next = 0;
  let closed = false;
  /** A thread that failed or exited: its transactions fail, and the next one starts a new thread. */
  const lost = (thread: Worker, error: Error) => {
    if (worker === thread) worker = undefined;
    for (const [id, p] of pending) {
      if (p.thread !== thread) continue;
      pending.delete(id);
      p.reject(error);
    }
  };
  const start = () => {
    const thread = new Worker(new URL('./write-worker.js', import.meta.url), {
      workerData: { url, pragmas },
      // Plain JavaScript: none of the parent's loaders (tsx), which would cost a start-up per thread.
      execArgv: [],
    });
    thread.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (p === undefined) return;
      pending.delete(reply.id);
      if (pending.size === 0) thread.unref();
      if (reply.error === undefined) p.resolve(reply);
      else p.reject(new WriteError(reply.error.message, reply.error.code));
    });
    thread.on('error', (error) => lost(thread, error));
    thread.on('exit', (code) => lost(thread, new Error(`the database writer thread exited (${code})`)));
    return thread;
  };
  /** Sends a message to the thread (starting it if needed) and resolves with its reply. */
  const send = (message: { stmts: InStatement[] } | { pragmas: true }): Promise<Reply> => {
    worker ??= start();
    const thread = worker;
    const id = next++;
    const done = new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject, thread });
      // The thread keeps the process alive only while a message is on its way; messages sent
      // before it has started wait in its queue.
      thread.ref();
      thread.postMessage({ id, ...message });
    });
    inFlight.add(done);
    const forget = () => inFlight.delete(done);
    done.then(forget, forget);
    return done;
  };
  return {
    async batch(stmts) {
      if (closed) throw new Error('the database writer is closed');
      if (pending.size === 0 && valuesOf(stmts) <= INLINE_MAX_VALUES) return inline.batch(stmts);
      await send({ stmts });
    },
    async pragmas() {
      if (closed) throw new Error('the database writer is closed');
      const { main } = await inline.pragmas();
      return { main, thread: (await send({ pragmas: true })).pragmas ?? {} };
    },
    /** Lets the transactions already sent commit, then ends the thread. */
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
      await worker?.terminate();
    },
  };
}
