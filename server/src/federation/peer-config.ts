/**
 * Peers configured at start (spec/federation.md §7): `KYODAKU_PEERS` holds a JSON array of
 * `{url, node_key}` or the path of a file holding one. Each peer is a base URL (http or https, no
 * query or fragment) and the pinned RFC 7638 thumbprint of its node key.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface PeerConfig {
  /** Base URL without a trailing slash. */
  url: string;
  /** The pinned node key id (REQ-FED-002). */
  nodeKey: string;
}

export class PeerConfigError extends Error {
  override name = 'PeerConfigError';
}

const KEY_ID = /^[A-Za-z0-9_-]{43}$/;

/** A peer base URL in canonical form, or an error message. */
export function normalizePeerUrl(text: unknown): string {
  if (typeof text !== 'string' || text.length > 2048) throw new PeerConfigError('a peer url is a string');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PeerConfigError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PeerConfigError(`a peer url is http or https: ${JSON.stringify(text)}`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new PeerConfigError(`a peer url has no query, fragment or credentials: ${JSON.stringify(text)}`);
  }
  return url.href.replace(/\/+$/, '');
}

export function parsePeer(value: unknown): PeerConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PeerConfigError('a peer is an object {url, node_key}');
  }
  const { url, node_key: nodeKey, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new PeerConfigError(`unknown peer member "${extra[0]}"`);
  if (typeof nodeKey !== 'string' || !KEY_ID.test(nodeKey)) {
    throw new PeerConfigError('node_key must be the RFC 7638 thumbprint of the peer node key');
  }
  return { url: normalizePeerUrl(url), nodeKey };
}

/** Parses `KYODAKU_PEERS`: JSON text (starting with `[`) or the path of a JSON file. */
export function parsePeersSetting(setting: string | undefined, base = process.cwd()): PeerConfig[] {
  if (setting === undefined || setting.trim() === '') return [];
  let text = setting.trim();
  if (!text.startsWith('[')) {
    try {
      text = readFileSync(resolve(base, text), 'utf8');
    } catch (error) {
      throw new PeerConfigError(`KYODAKU_PEERS: cannot read ${text}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PeerConfigError('KYODAKU_PEERS is not JSON');
  }
  if (!Array.isArray(value)) throw new PeerConfigError('KYODAKU_PEERS must be a JSON array of peers');
  const peers = value.map(parsePeer);
  if (new Set(peers.map((p) => p.url)).size !== peers.length) {
    throw new PeerConfigError('KYODAKU_PEERS names a peer twice');
  }
  return peers;
}
