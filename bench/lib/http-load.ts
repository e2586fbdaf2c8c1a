/**
 * Load generators for the benchmarks: a bounded keep-alive loop in a worker thread (plain JS,
 * node:http; always there, but it competes with the server in this process), and wrk when installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { base, paths, bodies, path, seconds, connections } = workerData;
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const MAX = 4_000_000;
const lat = new Float64Array(MAX);
let n = 0, errors = 0, i = 0;
const deadline = performance.now() + seconds * 1000;
function one() {
  return new Promise((resolve) => {
    const k = i++;
    const body = bodies ? bodies[k % bodies.length] : undefined;
    const t = performance.now();
    const req = http.request({ host: url.hostname, port: url.port, agent, method: body ? 'POST' : 'GET',
      path: body ? path : paths[k % paths.length],
      headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      res.on('data', () => {});
      res.on('end', () => { if (res.statusCode !== 200) errors++; if (n < MAX) lat[n++] = performance.now() - t; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    if (body) req.write(body);
    req.end();
  });
}
async function loop() { for (let guard = 0; guard < 1e9 && performance.now() < deadline; guard++) await one(); }
(async () => {
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - start) / 1000;
  const sorted = lat.subarray(0, n).sort();
  agent.destroy();
  parentPort.postMessage({ rps: n / elapsed, p50: sorted[Math.floor(n * 0.5)] ?? 0, p99: sorted[Math.floor(n * 0.99)] ?? 0, errors });
})();
`;

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** GETs `paths` (or POSTs `bodies` to `path`) round-robin from `connections` keep-alive connections. */
export function httpLoad(options: {
  base: string;
  paths?: string[];
  bodies?: string[];
  path?: string;
  seconds: number;
  connections: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: options });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Whether `wrk` (https://github.com/wg/wrk) is on the PATH: a load generator outside Node. */
export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/**
 * The same load with wrk (2 threads): `paths` GET round-robin, or `bodies` POSTed to `path`. The
 * requests are read from a file by a Lua script, one per line.
 */
export async function wrkLoad(options: {
  base: string;
  paths?: string[];
  bodies?: string[];
  path?: string;
  seconds: number;
  connections: number;
}): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-wrk-'));
  try {
    const lines = options.bodies ?? options.paths ?? [];
    writeFileSync(join(dir, 'requests.txt'), `${lines.join('\n')}\n`);
    const post = options.bodies !== undefined;
    writeFileSync(
      join(dir, 'load.lua'),
      `local items = {}
for line in io.lines(${JSON.stringify(join(dir, 'requests.txt'))}) do table.insert(items, line) end
local i = 0
request = function()
  i = i + 1
  local item = items[(i % #items) + 1]
  ${
    post
      ? `return wrk.format("POST", ${JSON.stringify(options.path)}, {["Content-Type"] = "application/json"}, item)`
      : 'return wrk.format("GET", item)'
  }
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %f %f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
`,
    );
    // Asynchronously: the server under test runs on this process's event loop.
    const child = spawn(
      'wrk',
      ['-t2', `-c${options.connections}`, `-d${options.seconds}s`, '-s', join(dir, 'load.lua'), options.base],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise((resolve) => child.once('close', resolve));
    const run = { stdout, stderr };
    const m = /RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)/.exec(run.stdout);
    if (!m) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
    return {
      rps: Number(m[1]) / (Number(m[2]) / 1e6),
      p50: Number(m[3]) / 1000,
      p99: Number(m[4]) / 1000,
      errors: Number(m[5]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
