/**
 * Builds snapshot filter files in a worker thread, so that decisions keep answering while a large
 * snapshot is built (about 2 s at a million allowing identifiers). The identifiers cross as UTF-8
 * buffers of SCAN_CHUNK identifiers each (encoded one per turn of the event loop) and a mask array,
 * all transferred, not copied. One thread per process (shared by the
 * nodes of a process, as in tests), started on first use, kept for later builds and unreferenced
 * while idle (it never keeps the process alive); a thread that fails is replaced on the next build.
 */
import { Worker } from 'node:worker_threads';
import { type FilterFile, nextTurn, SCAN_CHUNK } from './snapshot-builder.ts';

export interface BuildRequest {
  id: number;
  /** The identifiers, SCAN_CHUNK at a time, each chunk joined by newlines (no identifier holds one). */
  ids: Uint8Array[];
  masks: Uint8Array;
  patterns: string[][];
}

export interface BuildReply {
  id: number;
  files?: FilterFile[];
  error?: string;
  /** The thread that built the files (never the main thread's 0). */
  threadId: number;
}

const encoder = new TextEncoder();

export class FilterBuildThread {
  #worker: Worker | undefined;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (r: BuildReply) => void; reject: (e: Error) => void }>();
  /** Builds done by a worker thread, and the id of the thread of the last one. */
  builds = 0;
  lastThreadId = -1;

  #start(): Worker {
    const worker = new Worker(new URL('./filter-build-worker.js', import.meta.url), { execArgv: [] });
    const lost = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const [id, p] of this.#pending) {
        this.#pending.delete(id);
        p.reject(error);
      }
    };
    worker.on('message', (reply: BuildReply) => {
      const p = this.#pending.get(reply.id);
      if (p === undefined) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      p.resolve(reply);
    });
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the snapshot builder thread exited (${code})`)));
    return worker;
  }

  /** The five filter files of the identifiers (with group masks) and each group's patterns. */
  async build(ids: readonly string[], masks: Uint8Array, patterns: string[][]): Promise<FilterFile[]> {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < ids.length; at += SCAN_CHUNK) {
      if (at > 0) await nextTurn();
      chunks.push(encoder.encode(ids.slice(at, at + SCAN_CHUNK).join('\n')));
    }
    this.#worker ??= this.#start();
    const worker = this.#worker;
    const request: BuildRequest = { id: this.#next++, ids: chunks, masks, patterns };
    const transfer = [...chunks.map((c) => c.buffer as ArrayBuffer), masks.buffer as ArrayBuffer];
    const reply = await new Promise<BuildReply>((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject });
      worker.ref();
      worker.postMessage(request, transfer);
    });
    if (reply.error !== undefined) throw new Error(`snapshot builder thread: ${reply.error}`);
    this.builds++;
    this.lastThreadId = reply.threadId;
    return reply.files!;
  }
}

let shared: FilterBuildThread | undefined;

/** The process's builder thread. */
export function filterBuildThread(): FilterBuildThread {
  shared ??= new FilterBuildThread();
  return shared;
}
