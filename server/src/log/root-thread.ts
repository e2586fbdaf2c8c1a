/**
 * The start-up check of the stored log (checkpoints.ts `load`) recomputes the root of every leaf
 * hash: about two million SHA-256 at a million entries. The hashing runs in a worker thread while
 * the main thread goes on loading the decision index; the leaf hashes cross in pages, transferred,
 * not copied. One thread per check, ended when the root is back.
 */
import { Worker } from 'node:worker_threads';

/** What the thread is sent: a page of concatenated 32-byte leaf hashes, or the end. */
export type RootRequest = { leaves: Uint8Array } | { end: true };
export type RootReply = { root: Uint8Array } | { error: string };

/** MTH of the leaves in `pages` (each a run of 32-byte leaf hashes, in order). */
export async function recomputeRootInThread(pages: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const worker = new Worker(new URL('./root-worker.js', import.meta.url), { execArgv: [] });
  const reply = new Promise<Uint8Array>((resolve, reject) => {
    worker.once('message', (r: RootReply) => ('root' in r ? resolve(r.root) : reject(new Error(r.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the log root thread exited (${code})`)));
  });
  try {
    for await (const leaves of pages) {
      worker.postMessage({ leaves } satisfies RootRequest, [leaves.buffer as ArrayBuffer]);
    }
    worker.postMessage({ end: true } satisfies RootRequest);
    return await reply;
  } finally {
    reply.catch(() => {}); // a read that failed is the error; the thread's own is then moot
    await worker.terminate();
  }
}
