/** The streaming machinery of the batch commands: batch limits, order of answers, waiting, retries. */
import { describe, expect, it } from 'vitest';
import { streamBatches, withRetries } from '../src/cli/batch-stream.ts';
import { KyodakuError } from '../src/errors.ts';

async function* itemsOf<T>(values: readonly T[]): AsyncGenerator<T> {
  yield* values;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('streamBatches', () => {
  it('Should cut batches by count and by weight, and deliver answers in input order', async () => {
    const sent: number[][] = [];
    const delivered: number[][] = [];
    await streamBatches(
      itemsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      { batchSize: 4, concurrency: 3, maxWeight: 10, weightOf: (n) => (n === 6 ? 10 : 1) },
      async (batch) => {
        sent.push(batch);
        await sleep(batch.includes(1) ? 30 : 1); // the first answer comes last
        return batch;
      },
      (batch) => {
        delivered.push(batch);
      },
    );
    expect(sent).toEqual([[1, 2, 3, 4], [5], [6], [7, 8, 9, 10]]);
    expect(delivered).toEqual(sent);
  });

  it('Should send a batch that waits for earlier ones only once every earlier batch is answered', async () => {
    const events: string[] = [];
    await streamBatches(
      itemsOf(['a', 'b', 'c', 'revoke-a', 'd', 'e']),
      { batchSize: 2, concurrency: 4, waitsForEarlier: (batch) => batch.some((s) => s.startsWith('revoke')) },
      async (batch) => {
        events.push(`send ${batch.join(',')}`);
        await sleep(batch.includes('a') ? 30 : 1);
        events.push(`answer ${batch.join(',')}`);
        return batch;
      },
      () => {},
    );
    expect(events.indexOf('send c,revoke-a')).toBeGreaterThan(events.indexOf('answer a,b'));
    expect(events.slice(0, 2)).toEqual(['send a,b', 'answer a,b']);
  });

  it('Should fail with the first failed batch in input order', async () => {
    const delivered: number[][] = [];
    const run = streamBatches(
      itemsOf([1, 2, 3, 4]),
      { batchSize: 1, concurrency: 2 },
      async (batch) => {
        if (batch[0] === 3) throw new KyodakuError('ERR_INTERNAL', 'batch 3');
        return batch;
      },
      (batch) => {
        delivered.push(batch);
      },
    );
    await expect(run).rejects.toThrow('batch 3');
    expect(delivered).toEqual([[1], [2]]);
  });
});

describe('withRetries', () => {
  it('Should retry while the node is busy or unreachable, and not on other errors', async () => {
    let calls = 0;
    const answer = await withRetries(async () => {
      if (++calls < 3) throw new KyodakuError(calls === 1 ? 'ERR_RATE_LIMITED' : 'ERR_NETWORK', 'busy');
      return 'ok';
    });
    expect([answer, calls]).toEqual(['ok', 3]);
    calls = 0;
    const refused = withRetries(async () => {
      calls++;
      throw new KyodakuError('ERR_BATCH_TOO_LARGE', 'too many');
    });
    await expect(refused).rejects.toMatchObject({ code: 'ERR_BATCH_TOO_LARGE' });
    expect(calls).toBe(1);
  });
});
