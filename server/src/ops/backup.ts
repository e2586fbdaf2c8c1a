/**
 * `kyodaku-server backup DEST`: a consistent copy of a node's data directory, taken while the node
 * runs (docs/operations.md). The database is copied with SQLite's `VACUUM INTO`, which reads one
 * snapshot of it (in WAL mode the node keeps writing meanwhile), so the objects, the log hashes and
 * the signed checkpoints in the copy agree; the keys and the log's origin file are copied beside it
 * (mode 0600). DEST is a data directory: start a node with `KYODAKU_DATA_DIR=DEST` to restore.
 */
import { chmod, copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { ConfigError, loadConfig } from '../config.ts';
import { isFileUrl } from '../db/open.ts';

/** The files of a data directory besides the database: the keys (required) and the log's origin. */
const KEY_FILES = ['node.key', 'admin.key'];
const OPTIONAL_FILES = ['origin'];
export const BACKUP_DB = 'kyodaku.db';

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupSummary {
  dest: string;
  objects: number;
  /** The size of the last checkpoint the node had signed when the snapshot was read. */
  checkpointSize: number;
  bytes: number;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function backup(options: { db: string; dataDir: string; dest: string }): Promise<BackupSummary> {
  const { db, dataDir, dest } = options;
  if (!isFileUrl(db)) {
    throw new BackupError(
      `the database ${db} is not an embedded file; back up PostgreSQL with its own tools (pg_dump), and the data directory's keys beside it`,
    );
  }
  const source = db.slice('file:'.length).split('?')[0]!;
  if (!(await exists(source))) throw new BackupError(`no database at ${source}`);
  for (const name of KEY_FILES) {
    if (!(await exists(join(dataDir, name)))) throw new BackupError(`no ${name} in ${dataDir}`);
  }
  if ((await exists(dest)) && (await readdir(dest)).length > 0) {
    throw new BackupError(`${dest} is not empty; back up into a new directory`);
  }
  await mkdir(dest, { recursive: true, mode: 0o700 });
  const target = join(dest, BACKUP_DB);
  const client = createClient({ url: db });
  try {
    await client.execute('PRAGMA busy_timeout = 5000');
    // One read transaction: a snapshot of the whole database, however the node writes meanwhile.
    await client.execute({ sql: 'VACUUM INTO ?', args: [target] });
  } finally {
    client.close();
  }
  await chmod(target, 0o600);
  for (const name of [...KEY_FILES, ...OPTIONAL_FILES]) {
    if (!(await exists(join(dataDir, name)))) continue;
    await copyFile(join(dataDir, name), join(dest, name));
    await chmod(join(dest, name), 0o600);
  }
  // Check the copy before calling it a backup.
  const copy = createClient({ url: `file:${target}` });
  try {
    const integrity = await copy.execute('PRAGMA integrity_check');
    if (integrity.rows[0]?.[0] !== 'ok') {
      throw new BackupError(
        `the copy ${target} fails its integrity check: ${String(integrity.rows[0]?.[0])}`,
      );
    }
    const objects = Number((await copy.execute('SELECT count(*) FROM objects')).rows[0]?.[0] ?? 0);
    const size = Number((await copy.execute('SELECT max(size) FROM log_checkpoints')).rows[0]?.[0] ?? 0);
    return { dest, objects, checkpointSize: size, bytes: (await stat(target)).size };
  } finally {
    copy.close();
  }
}

/** The command: `kyodaku-server backup DEST`, with the node's own settings (KYODAKU_DATA_DIR, KYODAKU_DB). */
export async function backupMain(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    console.error('usage: kyodaku-server backup DEST   (DEST: a new directory; the node may keep running)');
    process.exit(2);
  }
  const started = Date.now();
  try {
    const config = loadConfig(env);
    const dest = resolve(env.INIT_CWD ?? process.cwd(), args[0]!);
    const summary = await backup({ db: config.db, dataDir: config.dataDir, dest });
    console.log(
      `kyodaku-server: backed up ${summary.objects} objects (log signed up to size ${summary.checkpointSize}, ${summary.bytes} bytes) and the keys into ${dest} in ${Date.now() - started} ms`,
    );
    console.log(
      `kyodaku-server: the backup holds the node's private keys: keep it as secret as the data directory. Restore: stop the node, then start it with KYODAKU_DATA_DIR=${dest} (docs/operations.md)`,
    );
  } catch (error) {
    if (error instanceof BackupError || error instanceof ConfigError) {
      console.error(`kyodaku-server: backup failed: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
