/**
 * Mirrors the log to a TileSink after each checkpoint the sequencer signs: every hash tile and
 * entry bundle the new size completes or extends (full tiles once, the right edge's partial tiles
 * at their new width), then the checkpoint last, so a reader that fetched the checkpoint finds
 * every tile it needs. The bytes are those of the node's own tile routes (log/routes.ts). Where
 * to start is the checkpoint already in the sink: a sequencer taking over from another continues
 * where that one stopped; tiles are rewritten from the last full tile below it.
 */

import { and, asc, gte, lt } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { objects } from '../db/schema.ts';
import { entryBundle, TILE_WIDTH, tileIndexPath } from '../log/routes.ts';
import type { LogTree } from '../log/tree.ts';
import type { TileSink } from './tile-sink.ts';

export interface TileCheckpoint {
  size: number;
  note: string;
}

const OCTETS = 'application/octet-stream';

/** The size a checkpoint note names (its second line). */
function sizeOfNote(note: string): number {
  const size = Number(note.split('\n')[1]);
  return Number.isSafeInteger(size) && size >= 0 ? size : 0;
}

/** The tiles of one tlog level that grow when `count` hashes (or entries) become `next`. */
function grownTiles(count: number, next: number): Array<{ index: number; width: number }> {
  const out: Array<{ index: number; width: number }> = [];
  for (let index = Math.floor(count / TILE_WIDTH); index * TILE_WIDTH < next; index++) {
    const width = Math.min(TILE_WIDTH, next - index * TILE_WIDTH);
    out.push({ index, width });
  }
  return out;
}

const tilePath = (level: number | 'entries', index: number, width: number) =>
  `tile/${level}/${tileIndexPath(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;

export class TileWriter {
  readonly #sink: TileSink;
  readonly #db: Db;
  readonly #tree: LogTree;
  /** The size of the checkpoint in the sink (undefined until read). */
  #published: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The last failure, until a publication succeeds. */
  lastError: unknown;

  constructor(sink: TileSink, db: Db, tree: LogTree) {
    this.#sink = sink;
    this.#db = db;
    this.#tree = tree;
  }

  /** Queues mirroring the log up to `checkpoint`; resolves once it is in the sink. */
  publish(checkpoint: TileCheckpoint): Promise<void> {
    const run = this.#queue.then(() => this.#publish(checkpoint));
    this.#queue = run.then(
      () => {
        this.lastError = undefined;
      },
      (error: unknown) => {
        if (this.lastError === undefined) console.error('kyodaku-server: writing tiles failed:', error);
        this.lastError = error;
        // Read the sink again next time: what it holds is uncertain.
        this.#published = undefined;
      },
    );
    return run;
  }

  async #publish(checkpoint: TileCheckpoint): Promise<void> {
    if (this.#published === undefined) {
      const note = await this.#sink.get('checkpoint');
      this.#published = note === undefined ? 0 : sizeOfNote(Buffer.from(note).toString('utf8'));
    }
    const from = this.#published;
    const size = checkpoint.size;
    if (size <= from) return;
    for (const { index, width } of grownTiles(from, size)) {
      const start = index * TILE_WIDTH;
      const rows = await this.#db
        .select({ jws: objects.jws })
        .from(objects)
        .where(and(gte(objects.seq, start), lt(objects.seq, start + width)))
        .orderBy(asc(objects.seq));
      await this.#sink.put(tilePath('entries', index, width), entryBundle(rows.map((r) => r.jws)), OCTETS);
    }
    for (let level = 0; 2 ** (8 * level) <= size; level++) {
      const per = 2 ** (8 * level);
      for (const { index, width } of grownTiles(Math.floor(from / per), Math.floor(size / per))) {
        const hashes = await this.#tree.hashesOfLevel(8 * level, index * TILE_WIDTH, width);
        await this.#sink.put(tilePath(level, index, width), hashes, OCTETS);
      }
    }
    await this.#sink.put('checkpoint', Buffer.from(checkpoint.note, 'utf8'), 'text/plain; charset=utf-8');
    this.#published = size;
  }
}
