/**
 * Structured access logs: one JSON line per request on stdout (docs/operations.md). `all` logs every
 * request, `errors` those answered with 400 or more, `off` none. The path is logged without its
 * query string: a decision query names the works a client asks about.
 */

export type AccessLogLevel = 'all' | 'errors' | 'off';

export const ACCESS_LOG_LEVELS: readonly AccessLogLevel[] = ['all', 'errors', 'off'];

export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** The client's address (client-key.ts), `local` for an in-process request. */
  client: string;
}

const MAX_PATH = 2048;

export class AccessLog {
  readonly #level: AccessLogLevel;
  readonly #write: (line: string) => void;

  constructor(level: AccessLogLevel, write: (line: string) => void = (line) => process.stdout.write(line)) {
    this.#level = level;
    this.#write = write;
  }

  get enabled(): boolean {
    return this.#level !== 'off';
  }

  record(entry: AccessLogEntry): void {
    if (this.#level === 'off' || (this.#level === 'errors' && entry.status < 400)) return;
    const line = JSON.stringify({
      time: new Date().toISOString(),
      method: entry.method,
      path: entry.path.length > MAX_PATH ? `${entry.path.slice(0, MAX_PATH)}…` : entry.path,
      status: entry.status,
      duration_ms: Math.round(entry.durationMs * 1000) / 1000,
      client: entry.client,
    });
    this.#write(`${line}\n`);
  }
}
