/**
 * The key directories crawlers name in `Signature-Agent` (spec/crawler-identity.md REQ-CRAWLER-006):
 * fetched with GET from the one well-known path, without following redirects, within a time and
 * size bound, verified (every key counts only when the response is signed by it), and cached —
 * a directory for an hour, a failure for a minute, at most 16 fetches at once — so that a flood of signed queries naming the
 * same agent costs one fetch, and a dead agent is not asked again on every query.
 */
import {
  KEY_DIRECTORY_MEDIA_TYPE,
  KyodakuError,
  MAX_KEY_DIRECTORY_BYTES,
  type PublicJwk,
  verifyKeyDirectory,
} from '@kyodaku/client';

export interface KeyDirectoryOptions {
  now: () => number;
  /** Most time for one fetch (default 3 s). */
  timeoutMs?: number;
  /** How long a fetched directory is used (default 1 h) and a failure remembered (default 60 s). */
  ttlMs?: number;
  failureTtlMs?: number;
  /** Most directories kept (default 1,000); the oldest entry goes first. */
  maxEntries?: number;
  /** Most fetches in flight at once (default 16); a query that would start another is refused. */
  maxInFlight?: number;
}

interface Entry {
  until: number;
  keys: Promise<Map<string, PublicJwk>>;
}

function unavailable(url: string, why: string): KyodakuError {
  return new KyodakuError('ERR_CRAWLER_KEY', `key directory ${url}: ${why}`);
}

/** Reads at most `limit` bytes of a body; more refuses it (the rest is not read). */
async function boundedText(response: Response, url: string, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw unavailable(url, `over ${limit} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

export class KeyDirectories {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #ttlMs: number;
  readonly #failureTtlMs: number;
  readonly #maxEntries: number;
  readonly #maxInFlight: number;
  #inFlight = 0;

  constructor(options: KeyDirectoryOptions) {
    this.#now = options.now;
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#failureTtlMs = options.failureTtlMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxInFlight = options.maxInFlight ?? 16;
  }

  /** The key `keyid` of the directory at `url` (a URL keyDirectoryUrl made), or undefined. */
  async key(url: string, keyid: string): Promise<PublicJwk | undefined> {
    const now = this.#now();
    let entry = this.#entries.get(url);
    if (entry === undefined || entry.until <= now) {
      if (this.#inFlight >= this.#maxInFlight) {
        throw unavailable(url, 'the node is fetching too many key directories; retry later');
      }
      this.#inFlight++;
      const keys = this.#fetch(url).finally(() => this.#inFlight--);
      entry = { until: now + this.#ttlMs, keys };
      this.#entries.delete(url);
      if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(url, entry);
      const kept = entry;
      keys.catch(() => {
        kept.until = this.#now() + this.#failureTtlMs;
      });
    }
    return (await entry.keys).get(keyid);
  }

  async #fetch(url: string): Promise<Map<string, PublicJwk>> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: KEY_DIRECTORY_MEDIA_TYPE },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch {
      throw unavailable(url, 'cannot be fetched');
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(url, `answered ${response.status}`);
    }
    const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== KEY_DIRECTORY_MEDIA_TYPE) {
      await response.body?.cancel();
      throw unavailable(url, `is not ${KEY_DIRECTORY_MEDIA_TYPE}`);
    }
    let body: string;
    try {
      body = await boundedText(response, url, MAX_KEY_DIRECTORY_BYTES);
    } catch (error) {
      if (error instanceof KyodakuError) throw error;
      throw unavailable(url, 'the body cannot be read as UTF-8 in time');
    }
    return verifyKeyDirectory(url, { headers: response.headers, body }, this.#now());
  }
}
