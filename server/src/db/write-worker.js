// The database writer thread (see writer.ts): its own libSQL connection to the node's database
// file, on which it runs the store's group commits, one transaction per message, in order, with
// the pragmas of the main connection (open.ts connectionPragmas).
import { parentPort, workerData } from 'node:worker_threads';
// The local-file client only: loading all of @libsql/client (remote protocols) takes ~100 ms.
import { createClient } from '@libsql/client/sqlite3';

/** The pragmas read back on request, as open.ts CHECKED_PRAGMAS. */
const CHECKED_PRAGMAS = ['journal_mode', 'synchronous', 'busy_timeout', 'max_page_count'];

const client = createClient({ url: workerData.url, concurrency: 1 });
const setPragmas = async () => {
  for (const pragma of workerData.pragmas) await client.execute(pragma);
};
await setPragmas();

/**
 * After a statement failed with SQLITE_BUSY or SQLITE_LOCKED, libsql leaves it in progress and
 * every later COMMIT on the connection fails (tursodatabase/libsql-client-ts#352): the thread
 * takes a fresh connection with the same pragmas.
 */
const leavesConnectionStuck = (code) =>
  typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));

let queue = Promise.resolve();
parentPort.on('message', ({ id, stmts, pragmas }) => {
  queue = queue.then(async () => {
    try {
      if (pragmas) {
        const values = {};
        for (const name of CHECKED_PRAGMAS)
          values[name] = (await client.execute(`PRAGMA ${name}`)).rows[0]?.[0];
        parentPort.postMessage({ id, pragmas: values });
        return;
      }
      await client.batch(stmts, 'deferred');
      parentPort.postMessage({ id });
    } catch (error) {
      parentPort.postMessage({
        id,
        error: { message: String(error?.message ?? error), code: error?.code, name: error?.name },
      });
      if (leavesConnectionStuck(error?.code)) {
        try {
          await client.reconnect();
          await setPragmas();
        } catch {
          // The next transaction fails with the reason and tries again.
        }
      }
    }
  });
});
