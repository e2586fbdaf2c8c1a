/**
 * KYODAKU_TILES to a directory (tiles/): after checkpoints, the directory holds the checkpoint and
 * every tile the node's own tile routes serve for it, byte for byte: a full entry bundle and hash
 * tile once 256 entries exist, the right edge's partial tiles at the newest width, and the level-1
 * tile; the leaf hashes in the tiles recompute to the checkpoint's root.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MerkleTreeBuilder, parseVerifierKey, verifyCheckpoint } from '@kyodaku/client';
import { afterEach, expect, it } from 'vitest';
import { directorySink } from '../../src/tiles/tile-sink.ts';
import { makeNode, type TestNode } from '../helpers.ts';

let t: TestNode | undefined;
const dir = mkdtempSync(join(tmpdir(), 'kyodaku-tiles-'));
afterEach(() => {
  t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 25));
}

it('mirrors the checkpoint and the tiles the node serves to a directory', async () => {
  t = await makeNode({ tiles: directorySink(dir) });
  const node = t;
  const party = await node.party();
  const objects = [];
  for (let i = 0; i < 300; i++)
    objects.push((await party.record({ ids: [`url:https://tiles.example/${i}`] })).jws);
  for (let i = 0; i < objects.length; i += 100) {
    const response = await node.postJson('/v1/publications', { objects: objects.slice(i, i + 100) });
    expect(response.status).toBe(200);
  }
  const note = await (await node.get('/v1/log/checkpoint')).text();
  const wk = (await (await node.get('/.well-known/kyodaku')).json()) as { log: { verifier_key: string } };
  const checkpoint = verifyCheckpoint(note, parseVerifierKey(wk.log.verifier_key));
  expect(checkpoint.size).toBe(303);
  const read = (path: string) => {
    try {
      return readFileSync(join(dir, path));
    } catch {
      return undefined;
    }
  };
  await until(() => read('checkpoint')?.toString('utf8') === note);
  expect(read('checkpoint')?.toString('utf8')).toBe(note);

  for (const path of [
    'tile/0/000',
    'tile/0/001.p/47',
    'tile/entries/000',
    'tile/entries/001.p/47',
    'tile/1/000.p/1',
  ]) {
    const served = Buffer.from(await (await node.get(`/v1/log/${path}`)).arrayBuffer());
    expect(read(path), path).toEqual(served);
  }
  const leaves = Buffer.concat([read('tile/0/000')!, read('tile/0/001.p/47')!]);
  const tree = new MerkleTreeBuilder();
  for (let i = 0; i < leaves.length; i += 32) tree.append(leaves.subarray(i, i + 32));
  expect(Buffer.from(tree.root())).toEqual(Buffer.from(checkpoint.rootHash));
});
