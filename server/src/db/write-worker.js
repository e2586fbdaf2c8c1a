// The database writer thread (see writer.ts): its own libSQL connection to the node's database
// file, on which it runs the store's group commits, one transaction per message, in order.
import { parentPort, workerData } from 'node:worker_threads';
// The local-file client only: loading all of @libsql/client (remote protocols) takes ~100 ms.
import { createClient } from '@libsql/client/sqlite3';

const client = createClient({ url: workerData.url, concurrency: 1 });
for (const pragma of workerData.pragmas) await client.execute(pragma);

let queue = Promise.resolve();
parentPort.on('message', ({ id, stmts }) => {
  queue = queue.then(async () => {
    try {
      await client.batch(stmts, 'deferred');
      parentPort.postMessage({ id });
    } catch (error) {
      parentPort.postMessage({
        id,
        error: { message: String(error?.message ?? error), code: error?.code, name: error?.name },
      });
    }
  });
});
