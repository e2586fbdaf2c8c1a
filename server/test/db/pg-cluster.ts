/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a temporary directory and `pg_ctl start`
 * on 127.0.0.1 with an ephemeral port (as the `postgres` user when the test runs as root, which
 * initdb refuses). Without PostgreSQL this throws, saying how to install it: a test that needs the
 * cluster fails, it is never skipped silently.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** The `postgres` database of the cluster (superuser, trust authentication on loopback). */
  url: string;
  /** A new empty database on the cluster, as a URL. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

export const NO_POSTGRES =
  'PostgreSQL is not installed (initdb and pg_ctl not found): install it with `apt-get install -y postgresql` (.ci/run does)';

/** The directory holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin. */
function postgresBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBin();
  if (bin === undefined) throw new Error(NO_POSTGRES);
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe', cwd: dir });
  };
  if (asRoot) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // fsync off: a throwaway cluster on shared test machines; the node's durability does not depend
  // on it here (the tests end node processes, never PostgreSQL or the machine).
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', settings, 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const line = execFileSync('id', [name], { encoding: 'utf8' });
  const uid = /uid=(\d+)/.exec(line)?.[1];
  const gid = /gid=(\d+)/.exec(line)?.[1];
  if (uid === undefined || gid === undefined) throw new Error(`user ${name}: ${line}`);
  return { uid: Number(uid), gid: Number(gid) };
}
