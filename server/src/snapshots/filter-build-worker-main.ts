/**
 * The body of the snapshot filter builder thread: receives the allowing identifiers as UTF-8 buffers
 * (each a chunk joined by newlines, which no normalized identifier holds) with their group masks, builds
 * the five filter files (snapshot-builder.ts filterFilesOf) and sends them back, their bytes
 * transferred, with the thread's id.
 */
import { parentPort, threadId } from 'node:worker_threads';
import type { BuildReply, BuildRequest } from './filter-build-thread.ts';
import { filterFilesOf } from './snapshot-builder.ts';

const decoder = new TextDecoder();

parentPort!.on('message', (request: BuildRequest) => {
  let reply: BuildReply;
  try {
    const ids = request.ids.flatMap((chunk) => decoder.decode(chunk).split('\n'));
    const files = filterFilesOf(ids, request.masks, request.patterns);
    reply = { id: request.id, files, threadId };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error), threadId };
  }
  parentPort!.postMessage(
    reply,
    'files' in reply ? reply.files!.map((f) => f.bytes.buffer as ArrayBuffer) : [],
  );
});
