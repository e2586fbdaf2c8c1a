/**
 * The origin of the node's log (spec/http-api.md REQ-API-005, log.md REQ-LOG-008): fixed on first
 * start and kept in the data directory beside the keys, so that a node restarted on another port
 * or host name still announces the origin its checkpoints are signed under.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The node must not start: its origin and its log's disagree, or the origin is not one. */
export class OriginError extends Error {
  override name = 'OriginError';
}

/** log.md REQ-LOG-008: non-empty, no white space, no plus sign, no control character. */
const ORIGIN = /^[^\s+\p{Cc}]+$/u;

function readStored(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The origin to run with: the one kept in `dataDir/origin`; on first start the origin of the
 * checkpoints already signed (a data directory from before the origin was kept), else the
 * configured one, else `fallback`, which is then kept. Refuses a configured origin, or a log,
 * that differs from the kept one.
 */
export function resolveOrigin(options: {
  dataDir: string;
  configured: string | undefined;
  fallback: string;
  /** The origin of the last checkpoint in the database, if any was signed. */
  logOrigin: string | undefined;
}): { origin: string; path: string; created: boolean } {
  const path = join(options.dataDir, 'origin');
  const stored = readStored(path);
  const origin = stored ?? options.logOrigin ?? options.configured ?? options.fallback;
  if (!ORIGIN.test(origin)) {
    throw new OriginError(
      `the origin ${JSON.stringify(origin)} has white space, a plus sign or a control character`,
    );
  }
  if (options.logOrigin !== undefined && options.logOrigin !== origin) {
    throw new OriginError(
      `the log's checkpoints are signed under the origin ${options.logOrigin}, but ${path} says ${origin}; refusing to start`,
    );
  }
  if (options.configured !== undefined && options.configured !== origin) {
    throw new OriginError(
      `KYODAKU_ORIGIN is ${options.configured}, but this node's log has the origin ${origin} (kept in ${path}): a log keeps its origin for life; unset KYODAKU_ORIGIN, or start a new log in another data directory`,
    );
  }
  if (stored !== undefined) return { origin, path, created: false };
  try {
    writeFileSync(path, `${origin}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return resolveOrigin(options);
  }
  return { origin, path, created: true };
}
