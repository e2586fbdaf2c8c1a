/**
 * Storage faults: the SQLite result codes that say the node's storage failed, not the request (a
 * full disk or database, a read-only file system, a write lock held by another process too long, an
 * I/O error). They are answered 503 `storage-unavailable` with Retry-After (spec/http-api.md
 * REQ-ERR-007), never 500, and logged for the operator without flooding the log.
 */
import { KyodakuError } from '@kyodaku/client';

interface Fault {
  /** What the client is told (no internal paths, no driver messages). */
  detail: string;
  /** Seconds a client should wait before it tries again. */
  retryAfter: number;
}

/** By result code prefix: an extended code (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT) shares its primary's entry. */
const FAULTS: ReadonlyArray<readonly [string, Fault]> = [
  ['SQLITE_BUSY', { detail: 'the database is busy; try again shortly', retryAfter: 1 }],
  ['SQLITE_LOCKED', { detail: 'the database is busy; try again shortly', retryAfter: 1 }],
  ['SQLITE_FULL', { detail: "the node's storage is full; nothing was stored", retryAfter: 60 }],
  ['SQLITE_READONLY', { detail: "the node's storage is read-only; nothing was stored", retryAfter: 60 }],
  ['SQLITE_IOERR', { detail: "the node's storage failed to read or write", retryAfter: 30 }],
  ['SQLITE_CANTOPEN', { detail: 'the node cannot open its database', retryAfter: 30 }],
  // PostgreSQL (db/pg-client.ts), named by pgCodeOf.
  ['PG_BUSY', { detail: 'the database is busy; try again shortly', retryAfter: 1 }],
  ['PG_CONNECTION', { detail: 'the node cannot reach its database', retryAfter: 5 }],
  [
    'PG_RESOURCES',
    { detail: "the node's database is out of space or connections; nothing was stored", retryAfter: 30 },
  ],
  ['PG_SHUTDOWN', { detail: "the node's database is shutting down or read-only", retryAfter: 30 }],
  ['PG_SYSTEM', { detail: "the node's storage failed to read or write", retryAfter: 30 }],
];

/**
 * A PostgreSQL error's fault name from its SQLSTATE class (serialization failure or deadlock 40,
 * lock not available 55P03, connection 08, insufficient resources 53, operator intervention 57,
 * system error 58) or a lost connection's Node.js code, e.g. `PG_RESOURCES_53100`.
 */
function pgCodeOf(code: string): string | undefined {
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/.test(code)) return `PG_CONNECTION_${code}`;
  if (!/^[0-9A-Z]{5}$/.test(code)) return undefined;
  if (code.startsWith('40') || code === '55P03') return `PG_BUSY_${code}`;
  if (code === '25006') return `PG_SHUTDOWN_${code}`;
  const name = { '08': 'CONNECTION', '53': 'RESOURCES', '57': 'SHUTDOWN', '58': 'SYSTEM' }[code.slice(0, 2)];
  return name === undefined ? undefined : `PG_${name}_${code}`;
}

/**
 * The SQLite result code of an error, or the PostgreSQL fault name (pgCodeOf), looking through
 * wrappers (drizzle's, the writer thread's).
 */
export function sqliteCodeOf(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { code, extendedCode } = e as { code?: unknown; extendedCode?: unknown };
    if (typeof extendedCode === 'string' && extendedCode.startsWith('SQLITE_')) return extendedCode;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
    const pgCode = typeof code === 'string' ? pgCodeOf(code) : undefined;
    if (pgCode !== undefined) return pgCode;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function faultOf(code: string | undefined): Fault | undefined {
  if (code === undefined) return undefined;
  return FAULTS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
}

/** Whether `error` is a storage fault (by its SQLite code or PostgreSQL SQLSTATE). */
export function isStorageFault(error: unknown): boolean {
  if (error instanceof KyodakuError) return error.code === 'ERR_STORAGE';
  return faultOf(sqliteCodeOf(error)) !== undefined;
}

/**
 * The storage fault `error` is, as the KyodakuError a client is answered with (its detail carries
 * `retryAfter` in seconds), or undefined when `error` is something else. The fault is logged.
 */
export function storageFaultOf(error: unknown): KyodakuError | undefined {
  if (error instanceof KyodakuError) return error.code === 'ERR_STORAGE' ? error : undefined;
  const code = sqliteCodeOf(error);
  const fault = faultOf(code);
  if (fault === undefined) return undefined;
  logStorageFault(code!, error);
  return new KyodakuError('ERR_STORAGE', fault.detail, {
    cause: error,
    detail: { retryAfter: fault.retryAfter },
  });
}

/** Storage faults seen since start, by code: what a health endpoint can show. */
export const storageFaults = new Map<string, { count: number; lastAt: number; lastMessage: string }>();

/** Logs a storage fault at most once per code every LOG_EVERY_MS, with the number left unlogged. */
const LOG_EVERY_MS = 10_000;
const lastLogged = new Map<string, { at: number; suppressed: number }>();

function logStorageFault(code: string, error: unknown): void {
  const now = Date.now();
  const message = error instanceof Error ? error.message : String(error);
  const seen = storageFaults.get(code);
  storageFaults.set(code, { count: (seen?.count ?? 0) + 1, lastAt: now, lastMessage: message });
  const logged = lastLogged.get(code);
  if (logged !== undefined && now - logged.at < LOG_EVERY_MS) {
    logged.suppressed++;
    return;
  }
  const more = logged?.suppressed ? ` (and ${logged.suppressed} more since the last report)` : '';
  console.error(`kyodaku-server: storage fault ${code}: ${message}${more}`);
  lastLogged.set(code, { at: now, suppressed: 0 });
}
