/** The typed-array identifier table agrees with a Map through growth, updates and non-ASCII keys. */
import { describe, expect, it } from 'vitest';
import { IdentifierTable } from '../../src/decisions/identifier-table.ts';

describe('IdentifierTable', () => {
  it('maps keys as a Map does across rehashes, updates and non-ASCII keys', () => {
    const table = new IdentifierTable();
    const map = new Map<string, number>();
    const key = (i: number) =>
      i % 97 === 0 ? `kyodaku:例え.example/${i}` : i % 5 === 0 ? `url:https://a.example/${i}/*` : `isbn:${i}`;
    for (let i = 0; i < 50_000; i++) {
      table.set(key(i), i);
      map.set(key(i), i);
      if (i % 7 === 0) {
        table.set(key(i >> 1), -i);
        map.set(key(i >> 1), -i);
      }
    }
    expect(table.size).toBe(map.size);
    for (let i = 0; i < 60_000; i++) expect(table.get(key(i))).toBe(map.get(key(i)));
    for (const absent of ['', 'isbn:', 'isbn:1x', 'url:https://a.example/5/', 'kyodaku:例え.example/x']) {
      expect(table.get(absent)).toBeUndefined();
    }
  });
});
