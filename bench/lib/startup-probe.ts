/**
 * Opens a node on an existing database as `kyodaku-server start` does and prints one JSON line:
 * wall and CPU time of the start-up, resident set size and heap after it, the records indexed. Run
 * in its own process by bench/decisions.ts, so that the RSS is the node's alone.
 *
 *   npx tsx --expose-gc bench/lib/startup-probe.ts DB_FILE DATA_DIR
 */
import { openNode } from '../../server/src/node.ts';

const [db, dataDir] = process.argv.slice(2);
if (db === undefined || dataDir === undefined) throw new Error('usage: startup-probe.ts DB_FILE DATA_DIR');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const node = await openNode({ db: `file:${db}`, dataDir });
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
global.gc?.();
const m = process.memoryUsage();
console.log(
  JSON.stringify({
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: m.rss / 1024 / 1024,
    heapMb: (m.heapUsed + m.arrayBuffers) / 1024 / 1024,
    records: node.index.size,
  }),
);
node.close();
