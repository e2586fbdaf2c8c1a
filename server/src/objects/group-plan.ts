/**
 * Planning one group commit: the queued publications planned in order against the committed state
 * and the group, each accepted one given its seq (a refused job takes none, so seq stays dense).
 */
import { KyodakuError } from '@kyodaku/client';
import { dependenciesFirst, Group, type Job, type Planned, type StoredObject } from './job.ts';

/** A publication waiting for its group commit, with the promise it answers. */
export interface QueuedJob extends Job {
  resolve: (stored: StoredObject[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupPlan {
  /** The seq after the group's last accepted object. */
  readonly nextSeq: number;
  /** The jobs accepted, with their plans and stored objects, in log order. */
  readonly accepted: Array<{ job: QueuedJob; planned: Planned; stored: StoredObject[] }>;
  /** Jobs whose object an earlier job of the group accepts and that take it as their answer. */
  readonly later: Array<{ job: QueuedJob; first: StoredObject[] }>;
}

export const duplicate = (id: string) =>
  new KyodakuError('ERR_DUPLICATE', 'this object was already accepted', { detail: { id } });

/**
 * Plans `queued` (dependencies first) from seq `start`. A job sending again an object of the group
 * is refused as a duplicate unless the existing object is its answer; a job whose plan throws is
 * handed to `answerFailed` at once.
 */
export async function planGroup(
  queued: QueuedJob[],
  start: number,
  answerFailed: (job: QueuedJob, error: unknown) => Promise<void>,
): Promise<GroupPlan> {
  const g = new Group(start);
  const accepted: GroupPlan['accepted'] = [];
  const later: GroupPlan['later'] = [];
  for (const job of dependenciesFirst(queued)) {
    const first = g.ids.get(job.id);
    if (first !== undefined) {
      if (job.existingIsAnswer) later.push({ job, first });
      else job.reject(duplicate(job.id));
      continue;
    }
    let planned: Planned;
    try {
      planned = await job.plan(g);
    } catch (error) {
      // A refused object that was already accepted is a duplicate first (REQ-API-012).
      await answerFailed(job, error);
      continue;
    }
    const stored = planned.objects.map((o, i) => ({ ...o, seq: g.seq + i }));
    g.seq += stored.length;
    for (const o of stored) g.ids.set(o.id, stored);
    accepted.push({ job, planned, stored });
  }
  return { nextSeq: g.seq, accepted, later };
}

/** Answers every job of a committed plan with its stored objects. */
export function answerCommitted({ accepted, later }: GroupPlan): void {
  for (const a of accepted) a.job.resolve(a.stored);
  for (const { job, first } of later) job.resolve(first);
}

/**
 * Runs a committed plan's in-memory effects. A failure there is a bug, logged; it does not change
 * that the objects are stored, so their publications are still answered as accepted.
 */
export function runAfter(planned: Planned): void {
  try {
    planned.after?.();
  } catch (error) {
    console.error('kyodaku-server: updating memory after a commit failed:', error);
  }
}
