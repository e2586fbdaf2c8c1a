/**
 * The background load of the name index lets the event loop run between its pages: a node answers
 * requests while it reads the names of a large registry (the client answers SQLite queries
 * synchronously, so a load that only awaited its queries held the event loop to the end).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.ts';
import { objects } from '../../src/db/schema.ts';
import { GenerationIndex } from '../../src/generation/generation-index.ts';
import { loadNames } from '../../src/generation/name-loader.ts';

const b64u = (s: string) => Buffer.from(s).toString('base64url');

describe('loadNames', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('reads every named record and gives the event loop turns while it reads', async () => {
    const { client, db } = await openDb('file::memory:');
    close = () => client.close();
    const count = 2_600;
    const rows = Array.from({ length: count }, (_, i) => {
      const payload = {
        kind: 'record',
        v: 1,
        iss: 'issuer',
        work: { type: 'character', ids: [`kyodaku:names.example/${i}`], titles: { en: `Hero number ${i}` } },
        purposes: { generate: 'deny' },
        valid_from: '2026-01-01T00:00:00Z',
        issued_at: '2026-01-01T00:00:00Z',
      };
      return {
        id: i.toString(16).padStart(64, '0'),
        kind: 'record',
        jws: `${b64u('{}')}.${b64u(JSON.stringify(payload))}.sig`,
        receivedAt: '2026-01-01T00:00:00Z',
      };
    });
    for (let i = 0; i < rows.length; i += 500) await db.insert(objects).values(rows.slice(i, i + 500));
    const index = new GenerationIndex();
    let turns = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await loadNames(db, index);
    done = true;
    expect(index.items).toBe(count);
    // Several pages, each followed by a turn of the event loop.
    expect(turns).toBeGreaterThanOrEqual(3);
  });
});
