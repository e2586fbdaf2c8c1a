/**
 * The log profile (spec/http-api.md "Log", spec/log.md): the signed checkpoint, C2SP tlog-tiles
 * (hash tiles and entry bundles), inclusion and consistency proofs, and the entries feed.
 */
import { KyodakuError } from '@kyodaku/client';
import { and, asc, gte, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import { objects } from '../db/schema.ts';
import { singleQuery } from '../http/query.ts';
import type { NodeContext } from '../node-context.ts';

/** Hashes or entries per full tile (C2SP tlog-tiles). */
export const TILE_WIDTH = 256;
/** Most entries in one page of GET /v1/log/entries. */
export const MAX_ENTRIES_PAGE = 1000;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const PARTIAL = 'public, max-age=60';
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function invalid(message: string): never {
  throw new KyodakuError('ERR_INVALID_REQUEST', message);
}

/** A non-negative decimal integer without leading zeros, below 2^53, or undefined when absent. */
function integerParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    invalid(`${name} must be a non-negative decimal integer`);
  }
  return Number(value);
}

function requiredInteger(value: string | undefined, name: string): number {
  const n = integerParam(value, name);
  if (n === undefined) invalid(`${name} is required`);
  return n;
}

/** The tile index N as tlog-tiles paths write it: 3-digit groups, all but the last prefixed "x". */
export function tileIndexPath(n: number): string {
  const groups: string[] = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** An entry bundle (C2SP tlog-tiles): each entry's bytes after their length as 2 bytes big-endian. */
export function entryBundle(jwss: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const jws of jwss) {
    const bytes = Buffer.from(jws, 'latin1');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

export interface TilePath {
  /** Tile level, or 'entries' for an entry bundle. */
  level: number | 'entries';
  index: number;
  /** Width of a partial tile; TILE_WIDTH for a full one. */
  width: number;
}

/** Parses `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`; undefined unless canonical. */
export function parseTilePath(rest: string): TilePath | undefined {
  const parts = rest.split('/');
  const head = parts.shift();
  let level: number | 'entries';
  if (head === 'entries') level = 'entries';
  else if (head !== undefined && /^(0|[1-9]\d?)$/.test(head) && Number(head) <= 63) level = Number(head);
  else return undefined;
  let width = TILE_WIDTH;
  if (parts.length >= 2 && parts[parts.length - 2]!.endsWith('.p')) {
    const w = parts.pop()!;
    if (!/^[1-9]\d{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) return undefined;
    width = Number(w);
    parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, -2);
  }
  if (parts.length === 0 || parts.length > 6) return undefined;
  const digits = parts.map((p, i) => (i < parts.length - 1 ? (p.startsWith('x') ? p.slice(1) : '') : p));
  if (!digits.every((d) => /^\d{3}$/.test(d))) return undefined;
  const index = Number(digits.join(''));
  if (!Number.isSafeInteger(index) || tileIndexPath(index) !== parts.join('/')) return undefined;
  return { level, index, width };
}

export function logRoutes(node: NodeContext) {
  const { checkpoints } = node.log;
  const tree = node.objects.tree;

  /** The size of the latest signed checkpoint: proofs are for signed trees only. */
  function signedSize(): number {
    return checkpoints.latest?.size ?? 0;
  }

  async function entries(start: number, count: number): Promise<string[]> {
    const rows = await node.objects.db
      .select({ jws: objects.jws })
      .from(objects)
      .where(and(gte(objects.seq, start), lt(objects.seq, start + count)))
      .orderBy(asc(objects.seq));
    return rows.map((r) => r.jws);
  }

  return new Hono()
    .get('/v1/log/checkpoint', async (c) => {
      const checkpoint = await checkpoints.sign();
      return c.body(checkpoint.note, 200, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });
    })
    .get('/v1/log/tile/*', async (c) => {
      const tile = parseTilePath(c.req.path.slice('/v1/log/tile/'.length));
      if (tile === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'not a tile path');
      const level = tile.level === 'entries' ? 0 : tile.level * 8;
      const available = Math.floor(tree.size / 2 ** level);
      const start = tile.index * TILE_WIDTH;
      // A full tile once all its hashes exist; a partial tile of width W while the level has
      // exactly start + W... or more hashes (partial tiles of an earlier width stay valid).
      if (start + tile.width > available) throw new KyodakuError('ERR_NOT_FOUND', 'no such tile yet');
      const headers = {
        'content-type': 'application/octet-stream',
        'cache-control': tile.width === TILE_WIDTH ? IMMUTABLE : PARTIAL,
      };
      if (tile.level === 'entries') {
        return c.body(new Uint8Array(entryBundle(await entries(start, tile.width))), 200, headers);
      }
      return c.body(new Uint8Array(await tree.hashesOfLevel(level, start, tile.width)), 200, headers);
    })
    .get('/v1/log/proof/inclusion', async (c) => {
      const index = requiredInteger(singleQuery(c, 'index'), 'index');
      const size = requiredInteger(singleQuery(c, 'size'), 'size');
      if (size > signedSize()) invalid(`size ${size} is beyond the latest checkpoint (${signedSize()})`);
      if (index >= size) invalid('index must be below size');
      const [leaf, proof] = await Promise.all([tree.leafHash(index), tree.inclusionProof(index, size)]);
      return c.json({ index, size, leaf_hash: base64(leaf!), proof: proof.map(base64) }, 200, {
        'cache-control': IMMUTABLE,
      });
    })
    .get('/v1/log/proof/consistency', async (c) => {
      const from = requiredInteger(singleQuery(c, 'from'), 'from');
      const to = requiredInteger(singleQuery(c, 'to'), 'to');
      if (to > signedSize()) invalid(`to ${to} is beyond the latest checkpoint (${signedSize()})`);
      if (from === 0 || from > to) invalid('a consistency proof needs 0 < from <= to');
      const proof = await tree.consistencyProof(from, to);
      return c.json({ from, to, proof: proof.map(base64) }, 200, { 'cache-control': IMMUTABLE });
    })
    .get('/v1/log/entries', async (c) => {
      const after = integerParam(singleQuery(c, 'after'), 'after');
      const limit = integerParam(singleQuery(c, 'limit'), 'limit') ?? 100;
      if (limit < 1 || limit > MAX_ENTRIES_PAGE) invalid(`limit must be 1..${MAX_ENTRIES_PAGE}`);
      const start = after === undefined ? 0 : after + 1;
      const end = Math.min(tree.size, start + limit);
      const jwss = start < end ? await entries(start, end - start) : [];
      return c.json(
        {
          entries: jwss.map((jws, i) => ({ index: start + i, jws })),
          next: end < tree.size ? end - 1 : null,
        },
        200,
        { 'cache-control': 'no-store' },
      );
    });
}
