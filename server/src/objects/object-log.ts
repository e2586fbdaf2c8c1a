/**
 * The append path every accepted object goes through: a dense `seq` from 0, the Merkle log's
 * hashes (leaf index = seq) and each capability's index rows in one transaction, group commits of
 * the publications in flight, and one write lock for every check-then-write on the registry. The
 * capabilities (parties, attestations, records, receipts, admin requests) say what an object adds
 * through `publish(job)`; nothing else writes objects.
 */
import type { InStatement } from '@libsql/client';
import { asc, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { StaleLogError } from '../db/pg-writer.ts';
import { chunks, RowInserter } from '../db/row-inserter.ts';
import { logHashes, objects } from '../db/schema.ts';
import { storageFaultOf } from '../db/storage-fault.ts';
import { statementOf, type Writer } from '../db/writer.ts';
import { type LogHashRow, LogTree } from '../log/tree.ts';
import { answerCommitted, duplicate, planGroup, type QueuedJob, runAfter } from './group-plan.ts';
import { type Job, type Planned, rowStatements, type StoredObject } from './job.ts';
import { existingIds, idAt, objectById, objectsFrom } from './stored-objects.ts';

/** Most jobs in one group commit. */
const MAX_GROUP = 2000;

/** Objects read per query when catching up with other processes. */
const CATCH_UP_PAGE = 2000;

const objectInserter = new RowInserter<StoredObject>(objects, ['seq', 'id', 'kind', 'jws', 'receivedAt']);
const logHashInserter = new RowInserter<LogHashRow>(logHashes, ['level', 'idx', 'hash']);

export class ObjectLog {
  readonly db: Db;
  /** Where the group commits' prebuilt statements run (a writer thread for a database file). */
  readonly #writer: Writer;
  /** The Merkle log over `objects`: leaf index = seq (spec/log.md). */
  readonly tree: LogTree;
  /** Called after every committed append (the checkpoint signer schedules a checkpoint). */
  onAppend: (() => void) | undefined;
  /**
   * What objects appended by another process sharing the database (PostgreSQL) change in this
   * process's memory, in log order (cluster/shared-log.ts); called before the tree head moves.
   */
  onAppendedElsewhere: ((objs: StoredObject[]) => Promise<void>) | undefined;
  #nextSeq = 0;
  #lock: Promise<unknown> = Promise.resolve();
  /** Publications waiting for the next group commit, in arrival order. */
  #queue: QueuedJob[] = [];
  #draining = false;
  /** A group commit whose outcome could not be read back after its writer failed (see #settleUncertain). */
  #uncertain: { start: number; firstId: string; committed: () => void } | undefined;

  constructor(db: Db, writer: Writer) {
    this.db = db;
    this.#writer = writer;
    this.tree = new LogTree(db);
  }

  /** The number of objects in the log (the next seq). */
  get size(): number {
    return this.#nextSeq;
  }

  /**
   * Restores the next seq and the log's tree head; call once at start-up. Where other processes
   * append (PostgreSQL), under the log's lock, so that none appends between the two reads.
   */
  async load(): Promise<void> {
    const release = await this.#writer.lockLog?.();
    try {
      const [max] = await this.db.select({ max: sql<number | null>`max(${objects.seq})` }).from(objects);
      this.#nextSeq = max?.max == null ? 0 : Number(max.max) + 1;
      await this.#loadLog();
    } finally {
      await release?.();
    }
  }

  /** Runs statements in one transaction through the writer, alone (e.g. a followed page). */
  write(stmts: InStatement[]): Promise<void> {
    return this.exclusive(() => this.#writer.batch(stmts));
  }

  /**
   * Brings memory (next seq, tree head, what `onAppendedElsewhere` keeps) up to the objects other
   * processes appended to the shared database; returns the log's size.
   */
  catchUp(): Promise<number> {
    return this.exclusive(() => this.#catchUp());
  }

  async #catchUp(): Promise<number> {
    for (let guard = 0; guard < 1e6; guard++) {
      const from = this.#nextSeq;
      const page = await objectsFrom(this.db, from, CATCH_UP_PAGE);
      if (page.length === 0) break;
      if (page.some((o, i) => o.seq !== from + i)) throw new Error('log: objects.seq is not dense');
      await this.onAppendedElsewhere?.(page);
      this.tree.prepare(page.map((o) => o.jws)).commit();
      this.#nextSeq = from + page.length;
      this.onAppend?.();
      if (page.length < CATCH_UP_PAGE) break;
    }
    return this.#nextSeq;
  }

  /** Runs `fn` alone: every check-then-write on the registry goes through here. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  objectById(id: string): Promise<StoredObject | undefined> {
    return objectById(this.db, id);
  }

  /**
   * Restores the log's tree head. A database from before the log (objects without leaf hashes) is
   * brought up to date first, in one transaction; any other mismatch refuses to start.
   */
  async #loadLog(): Promise<void> {
    const leaves = await this.tree.storedLeaves();
    if (leaves > this.#nextSeq) {
      throw new Error(
        `log: ${leaves} leaf hashes but only ${this.#nextSeq} objects; the database is damaged`,
      );
    }
    await this.tree.restore(leaves);
    if (leaves === this.#nextSeq) return;
    const rows = await this.db
      .select({ jws: objects.jws })
      .from(objects)
      .where(gt(objects.seq, leaves - 1))
      .orderBy(asc(objects.seq));
    if (rows.length !== this.#nextSeq - leaves) throw new Error('log: objects.seq is not dense');
    const prepared = this.tree.prepare(rows.map((r) => r.jws));
    await this.#writer.batch(
      chunks(prepared.rows).map((c) => statementOf(this.db.insert(logHashes).values(c))),
    );
    prepared.commit();
  }

  /**
   * Appends objects alone, outside the group commits, in one transaction (the bulk loader of seeds
   * and benchmarks): `plan` gets the seq of the first object and says what else the transaction
   * writes and what changes in memory after it.
   */
  appendAlone(
    objs: Array<Omit<StoredObject, 'seq'>>,
    plan: (start: number) => Omit<Planned, 'objects'>,
  ): Promise<StoredObject[]> {
    return this.exclusive(() => this.#underLogLock(() => this.#appendAlone(objs, plan)));
  }

  /**
   * Runs an append under the log's lock where many processes append (PostgreSQL, db/pg-writer.ts),
   * after catching up with what the others appended; as is where one process writes.
   */
  async #underLogLock<T>(append: () => Promise<T>): Promise<T> {
    const release = await this.#writer.lockLog?.();
    if (release === undefined) return append();
    try {
      await this.#catchUp();
      return await append();
    } finally {
      await release();
    }
  }

  async #appendAlone(
    objs: Array<Omit<StoredObject, 'seq'>>,
    plan: (start: number) => Omit<Planned, 'objects'>,
  ): Promise<StoredObject[]> {
    // Another process may append first (PostgreSQL): catch up, then plan again at the new size.
    for (;;) {
      const start = this.#nextSeq;
      if (start !== this.tree.size) throw new Error('log: tree head and objects out of step');
      const stored = objs.map((o, i) => ({ ...o, seq: start + i }));
      const planned = plan(start);
      const prepared = this.tree.prepare(stored.map((o) => o.jws));
      try {
        await this.#writer.batch(
          [
            ...objectInserter.statements(stored),
            ...logHashInserter.statements(prepared.rows),
            ...rowStatements([planned]),
            ...(planned.stmts ?? []).map((stmt) => statementOf(stmt as never)),
          ],
          { from: start, to: start + stored.length },
        );
      } catch (error) {
        if (!(error instanceof StaleLogError)) throw error;
        await this.#catchUp();
        continue;
      }
      this.#nextSeq = start + stored.length;
      prepared.commit();
      planned.after?.();
      this.onAppend?.();
      return stored;
    }
  }

  /**
   * Queues a publication for the next group commit and resolves with its stored objects once the
   * transaction that appends them has committed. Publications that arrive while a group commits
   * wait and are appended together by the next one.
   */
  publish(job: Job): Promise<StoredObject[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ ...job, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        let n = Math.min(MAX_GROUP, this.#queue.length);
        const together = this.#queue[n - 1]!.together;
        while (together !== undefined && n < this.#queue.length && this.#queue[n]!.together === together) n++;
        const jobs = this.#queue.splice(0, n);
        // A job still waiting when its group fails unexpectedly gets the failure, never silence
        // (a job already answered keeps its answer).
        await this.exclusive(() => this.#underLogLock(() => this.#commitGroup(jobs))).catch(
          (error: unknown) => {
            for (const job of jobs) job.reject(error);
          },
        );
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Plans the jobs in order against the committed state and the group (a refused job is answered at
   * once and takes no seq, so seq stays dense), then appends every accepted one in ONE transaction:
   * multi-row INSERTs of objects, log hashes and the capabilities' rows, then the other statements.
   * Object ids are left to the UNIQUE index: if the transaction fails, the duplicates are found
   * with one SELECT and the rest is planned and committed again; a second failure commits the jobs
   * one by one so that each gets its own answer. A storage fault (a full, read-only or locked
   * database) is no job's own: every job of the group is refused with it and nothing is retried,
   * so a bulk publication is stored whole or not at all (REQ-API-080, REQ-API-085).
   */
  async #commitGroup(queued: QueuedJob[], retry = true): Promise<void> {
    await this.#settleUncertain();
    const plan = await planGroup(queued, this.#nextSeq, (job, error) => this.#answerFailed(job, error));
    const { accepted, later } = plan;
    if (accepted.length === 0) {
      answerCommitted(plan);
      return;
    }
    const start = this.#nextSeq;
    if (start !== this.tree.size) throw new Error('log: tree head and objects out of step');
    const objs = accepted.flatMap((a) => a.stored);
    const prepared = this.tree.prepare(objs.map((o) => o.jws));
    const stmts: InStatement[] = [
      ...objectInserter.statements(objs),
      ...logHashInserter.statements(prepared.rows),
      ...rowStatements(accepted.map((a) => a.planned)),
      ...accepted.flatMap((a) => (a.planned.stmts ?? []).map((stmt) => statementOf(stmt as never))),
    ];
    const committed = () => {
      this.#nextSeq = plan.nextSeq;
      prepared.commit();
      objs.forEach((o, i) => {
        o.leafHash = prepared.leafHashes[i];
      });
      for (const a of accepted) runAfter(a.planned);
      this.onAppend?.();
    };
    try {
      await this.#writer.batch(stmts, { from: start, to: plan.nextSeq });
    } catch (error) {
      if (error instanceof StaleLogError) {
        // Another process appended since this group was planned: nothing was written; plan again
        // against the log as it is now.
        await this.#catchUp();
        return this.#commitGroup(queued, retry);
      }
      const again = [...accepted.map((a) => a.job), ...later.map((l) => l.job)];
      // Whether the transaction committed although the writer failed to say so (a writer thread
      // lost after its commit): memory must follow the database, never run ahead or fall behind.
      let outcome: 'committed' | 'not-committed' | 'unknown';
      try {
        outcome = (await idAt(this.db, start)) === objs[0]!.id ? 'committed' : 'not-committed';
      } catch {
        outcome = 'unknown';
      }
      if (outcome === 'committed') {
        committed();
        answerCommitted(plan);
        return;
      }
      if (outcome === 'unknown') this.#uncertain = { start, firstId: objs[0]!.id, committed };
      const fault = storageFaultOf(error);
      if (fault !== undefined || outcome === 'unknown') {
        for (const job of again) job.reject(fault ?? error);
        return;
      }
      if (!retry || again.length === 1) {
        // One job alone: a duplicate, or a failure that is this job's own.
        for (const job of again) await this.#answerFailed(job, error);
        return;
      }
      const existing = await existingIds(
        this.db,
        again.map((j) => j.id),
      );
      const rest: QueuedJob[] = [];
      for (const job of again) {
        const found = existing.get(job.id);
        if (found === undefined) rest.push(job);
        else if (job.existingIsAnswer) job.resolve([found]);
        else job.reject(duplicate(job.id));
      }
      if (rest.length === 0) return;
      if (existing.size > 0) return this.#commitGroup(rest, true);
      for (const job of rest) await this.#commitGroup([job], false);
      return;
    }
    committed();
    answerCommitted(plan);
  }

  /** Answers a job whose transaction failed alone: its duplicate, or the failure. */
  async #answerFailed(job: QueuedJob, error: unknown): Promise<void> {
    try {
      const existing = await this.objectById(job.id);
      if (existing === undefined) job.reject(storageFaultOf(error) ?? error);
      else if (job.existingIsAnswer) job.resolve([existing]);
      else job.reject(duplicate(job.id));
    } catch (e) {
      job.reject(storageFaultOf(e) ?? e);
    }
  }

  /**
   * Before the next group commit after one whose outcome could not be read back: adopts it in
   * memory if it did commit (its publications were answered with the fault; sent again, each is a
   * duplicate naming its id), forgets it if not, and refuses to write while the database cannot
   * say.
   */
  async #settleUncertain(): Promise<void> {
    const uncertain = this.#uncertain;
    if (uncertain === undefined) return;
    if ((await idAt(this.db, uncertain.start)) === uncertain.firstId) uncertain.committed();
    this.#uncertain = undefined;
  }
}
