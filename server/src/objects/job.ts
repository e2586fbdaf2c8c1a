/**
 * What a publication asks of the append path (objects/object-log.ts): the objects it appends, the
 * rows and statements that go in the same transaction, what changes in memory after the commit,
 * and the group commit it is planned in, with the state capabilities keep per group.
 */
import type { InStatement } from '@libsql/client';
import type { BatchItem } from 'drizzle-orm/batch';
import type { RowInserter } from '../db/row-inserter.ts';

export type Stmt = BatchItem<'sqlite'>;

export interface StoredObject {
  seq: number;
  id: string;
  kind: string;
  jws: string;
  receivedAt: string;
  /** Its log leaf hash, when the store computed it while appending (else computed from `jws`). */
  leafHash?: Uint8Array;
}

/** Rows of one table for the group's multi-row INSERTs. */
export interface RowsFor<R extends object> {
  into: RowInserter<R>;
  rows: readonly R[];
}

/** What an object appended in a group commit adds to the database and, once committed, to memory. */
export interface Planned {
  /** The objects, appended in this order (seq from `Group.seq` when the plan was made). */
  objects: Array<Omit<StoredObject, 'seq'>>;
  /** Index rows, inserted after the objects and log hashes, table by table in first-seen order. */
  // biome-ignore lint/suspicious/noExplicitAny: each entry pairs its own row type with its inserter
  rows?: Array<RowsFor<any>>;
  /** Other statements; they run after every INSERT of the group, in the order of the plans. */
  stmts?: Stmt[];
  /** The in-memory effects (decision index, caches), run in order after the commit. */
  after?: () => void;
}

/** A publication waiting for the next group commit. */
export interface Job {
  /** The object whose id must be new (REQ-API-012). */
  id: string;
  /** An object already appended with this id is the answer (receipts) instead of ERR_DUPLICATE. */
  existingIsAnswer?: boolean;
  /** The object this one acts on (a superseded or revoked record): planned after it if in the group. */
  after?: string;
  /** Jobs with the same token are committed in one group (a bulk publication, REQ-API-082). */
  together?: object | undefined;
  /** Checks against the committed state and the group so far; throws to refuse (nothing appended). */
  plan: (g: Group) => Planned | Promise<Planned>;
}

/**
 * One group commit while its jobs are planned in arrival order: the seq of the next accepted
 * object and the ids accepted so far. A capability keeps what later jobs of the same group must see
 * (a record superseded earlier in the group, a party updated twice) with `groupState`.
 */
export class Group {
  seq: number;
  readonly ids = new Map<string, StoredObject[]>();
  constructor(seq: number) {
    this.seq = seq;
  }
}

/** Per-group state of one capability, created on first use and dropped with the group. */
export function groupState<T>(init: () => T): (g: Group) => T {
  const states = new WeakMap<Group, T>();
  return (g) => {
    let state = states.get(g);
    if (state === undefined) {
      state = init();
      states.set(g, state);
    }
    return state;
  };
}

/** The multi-row INSERTs of the plans' index rows, table by table in first-seen order. */
export function rowStatements(plans: ReadonlyArray<Pick<Planned, 'rows'>>): InStatement[] {
  // biome-ignore lint/suspicious/noExplicitAny: rows are grouped by the inserter that typed them
  const byTable = new Map<RowInserter<any>, unknown[]>();
  for (const plan of plans) {
    for (const { into, rows } of plan.rows ?? []) {
      const list = byTable.get(into);
      if (list === undefined) byTable.set(into, [...rows]);
      else for (const row of rows) list.push(row);
    }
  }
  return [...byTable].flatMap(([into, rows]) => into.statements(rows as object[]));
}

/**
 * The jobs of a group in arrival order, except that a job acting on an object published in the same
 * group (a record superseding it, a revocation of it) comes after that object's job: publications
 * in flight together are verified concurrently and queued as their verification ends, so a record
 * and the one superseding it may be queued in either order.
 */
export function dependenciesFirst<J extends Job>(jobs: J[]): J[] {
  if (!jobs.some((j) => j.after !== undefined)) return jobs;
  const byId = new Map<string, J>();
  for (const job of jobs) if (!byId.has(job.id)) byId.set(job.id, job);
  const out: J[] = [];
  const placed = new Set<J>();
  const visit = (job: J, depth: number) => {
    if (placed.has(job)) return;
    placed.add(job);
    const first = job.after === undefined ? undefined : byId.get(job.after);
    if (first !== undefined && depth < 1000) visit(first, depth + 1);
    out.push(job);
  };
  for (const job of jobs) visit(job, 0);
  return out;
}
