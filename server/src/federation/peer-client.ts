/**
 * The HTTP client a follower uses against one peer: metadata, checkpoint, consistency proofs and the
 * entries feed. Every answer is bounded in time and size and checked for shape here, at the edge;
 * what it means is checked by the verification pipeline.
 */
import { MAX_NOTE_BYTES } from '@kyodaku/client';

/** Most entries asked for per page (the feed's maximum, REQ-FED-004). */
export const PAGE_SIZE = 1000;
/** Largest page body: 1,000 entries of at most 65,535 bytes plus JSON framing. */
const MAX_PAGE_BYTES = PAGE_SIZE * (65_535 + 64) + 64;
const MAX_JSON_BYTES = 1024 * 1024;

export class PeerHttpError extends Error {
  override name = 'PeerHttpError';
}

export interface PeerMetadata {
  nodeId: string;
  nodeKey: { kty: 'OKP'; crv: 'Ed25519'; x: string };
  origin: string;
}

export interface FeedPage {
  entries: Array<{ index: number; jws: string }>;
  next: number | null;
}

const isIndex = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

export class PeerClient {
  readonly url: string;
  readonly timeoutMs: number;
  /** Aborts every request of this client once aborted (the follower stops). */
  signal: AbortSignal | undefined;

  constructor(url: string, timeoutMs = 15_000) {
    this.url = url;
    this.timeoutMs = timeoutMs;
  }

  async #get(path: string, maxBytes: number): Promise<string> {
    let res: Response;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal === undefined ? timeout : AbortSignal.any([timeout, this.signal]);
    if (signal.aborted) throw new PeerHttpError(`GET ${path}: not sent, the follower stopped`);
    try {
      res = await fetch(`${this.url}${path}`, { signal });
    } catch (error) {
      throw new PeerHttpError(`GET ${path}: ${(error as Error).message}`);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new PeerHttpError(`GET ${path}: status ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > maxBytes) {
      await res.body?.cancel();
      throw new PeerHttpError(`GET ${path}: answer larger than ${maxBytes} bytes`);
    }
    const reader = res.body?.getReader();
    if (reader === undefined) return '';
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new PeerHttpError(`GET ${path}: answer larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async #json(path: string, maxBytes = MAX_JSON_BYTES): Promise<Record<string, unknown>> {
    const text = await this.#get(path, maxBytes);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new PeerHttpError(`GET ${path}: not JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new PeerHttpError(`GET ${path}: not a JSON object`);
    }
    return value as Record<string, unknown>;
  }

  async metadata(): Promise<PeerMetadata> {
    const body = await this.#json('/.well-known/kyodaku');
    const node = body.node as Record<string, unknown> | undefined;
    const key = node?.key as Record<string, unknown> | undefined;
    if (
      typeof node?.id !== 'string' ||
      typeof node.origin !== 'string' ||
      key?.kty !== 'OKP' ||
      key.crv !== 'Ed25519' ||
      typeof key.x !== 'string'
    ) {
      throw new PeerHttpError('/.well-known/kyodaku: no node id, key and origin');
    }
    return { nodeId: node.id, nodeKey: { kty: 'OKP', crv: 'Ed25519', x: key.x }, origin: node.origin };
  }

  checkpoint(): Promise<string> {
    return this.#get('/v1/log/checkpoint', MAX_NOTE_BYTES);
  }

  async consistency(from: number, to: number): Promise<Uint8Array[]> {
    const body = await this.#json(`/v1/log/proof/consistency?from=${from}&to=${to}`);
    return decodeProof(body.proof, 'consistency');
  }

  async entries(after: number, limit = PAGE_SIZE): Promise<FeedPage> {
    const query = after < 0 ? `limit=${limit}` : `after=${after}&limit=${limit}`;
    const body = await this.#json(`/v1/log/entries?${query}`, MAX_PAGE_BYTES);
    const { entries, next } = body;
    if (!Array.isArray(entries) || (next !== null && !isIndex(next))) {
      throw new PeerHttpError('/v1/log/entries: expected {entries, next}');
    }
    if (entries.length > limit) throw new PeerHttpError('/v1/log/entries: more entries than asked for');
    for (const e of entries as Array<Record<string, unknown>>) {
      if (e === null || typeof e !== 'object' || !isIndex(e.index) || typeof e.jws !== 'string') {
        throw new PeerHttpError('/v1/log/entries: an entry is {index, jws}');
      }
    }
    return { entries: entries as FeedPage['entries'], next: next as number | null };
  }
}

function decodeProof(value: unknown, what: string): Uint8Array[] {
  if (!Array.isArray(value) || value.length > 128) throw new PeerHttpError(`${what} proof: not a list`);
  return value.map((h) => {
    const bytes = typeof h === 'string' ? Buffer.from(h, 'base64') : undefined;
    if (bytes === undefined || bytes.length !== 32 || bytes.toString('base64') !== h) {
      throw new PeerHttpError(`${what} proof: a hash is 32 bytes of canonical base64`);
    }
    return new Uint8Array(bytes);
  });
}
