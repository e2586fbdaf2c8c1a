/**
 * Snapshot filters are built off the event loop (snapshots/filter-build-thread.ts): the files a worker
 * thread builds are those the event loop would build, the node's GET /v1/snapshot builds through the
 * thread, and a decision is answered while a large build is in progress (no wall-clock assertion:
 * the decision's answer arrives before the build's).
 */
import { threadId } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filterBuildThread } from '../../src/snapshots/filter-build-thread.ts';
import { filterFilesOf } from '../../src/snapshots/snapshot-builder.ts';
import { makeNode, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const synthetic = (n: number) => {
  const ids = Array.from({ length: n }, (_, i) => `url:https://www.example.com/articles/${i}/index.html`);
  const masks = Uint8Array.from(ids, (_, i) => 1 << (i % 5));
  return { ids, masks, patterns: [[], ['url:https://photos.example/open/*'], [], [], []] };
};

describe('the snapshot filter builder thread', () => {
  it('builds in a worker thread the files the event loop builds', async () => {
    const { ids, masks, patterns } = synthetic(20_000);
    const inline = filterFilesOf(ids, masks, patterns);
    const thread = filterBuildThread();
    const files = await thread.build(ids, Uint8Array.from(masks), patterns);
    expect(thread.lastThreadId).not.toBe(threadId);
    expect(files.map((f) => [f.group, f.sha256, f.keys, f.patterns, f.seedHi, f.seedLo])).toEqual(
      inline.map((f) => [f.group, f.sha256, f.keys, f.patterns, f.seedHi, f.seedLo]),
    );
    expect(Buffer.from(files[1]!.bytes).equals(Buffer.from(inline[1]!.bytes))).toBe(true);
  });

  it('GET /v1/snapshot builds its filters through the thread', async () => {
    const thread = filterBuildThread();
    const before = thread.builds;
    expect((await t.get('/v1/snapshot')).status).toBe(200);
    expect(thread.builds).toBe(before + 1);
    expect(thread.lastThreadId).not.toBe(threadId);
  });

  it('answers a decision while a build of 400,000 identifiers is in progress', async () => {
    const { ids, masks, patterns } = synthetic(400_000);
    const order: string[] = [];
    const build = filterBuildThread()
      .build(ids, masks, patterns)
      .then((files) => {
        order.push('build');
        return files;
      });
    const response = await t.get('/v1/decision?id=isbn:9784088725093&purpose=train.genai');
    order.push('decision');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { decision: string }).decision).toBe('deny');
    const files = await build;
    expect(order).toEqual(['decision', 'build']);
    expect(files.reduce((n, f) => n + f.keys, 0)).toBe(400_000);
  });
});
