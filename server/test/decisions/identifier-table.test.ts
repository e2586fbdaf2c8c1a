/**
 * The typed-array tables of the decision index: the identifier table agrees with a Map through growth,
 * reservation, updates and non-ASCII keys; the record table keeps any object id and the time keys
 * refuse anything but a protocol timestamp.
 */
import { describe, expect, it } from 'vitest';
import { IdentifierTable } from '../../src/decisions/identifier-table.ts';
import { RecordTable } from '../../src/decisions/record-table.ts';
import { timeKey, timeOfKey } from '../../src/decisions/time-key.ts';

describe('IdentifierTable', () => {
  it('maps keys as a Map does across rehashes, updates and non-ASCII keys', () => {
    const table = new IdentifierTable();
    table.reserve(20_000);
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

describe('RecordTable', () => {
  it('gives back every object id, hex or not, across growth', () => {
    const table = new RecordTable();
    table.reserve(10);
    const ids = Array.from({ length: 3000 }, (_, i) => {
      const hex = i.toString(16).padStart(64, 'a');
      if (i % 11 === 0) return hex.toUpperCase();
      if (i % 13 === 0) return `${hex.slice(0, 63)}g`;
      if (i % 17 === 0) return hex.slice(1);
      if (i % 19 === 0) return `${hex.slice(0, 62)}\u00e9f`;
      return hex;
    });
    for (const id of ids) {
      table.add({
        id,
        issuer: 0,
        profile: 0,
        issuedAt: 0,
        validFrom: 0,
        validUntil: 1,
        loggedAt: 0,
        supersededAt: 1,
        revokedAt: 1,
      });
    }
    for (let slot = 0; slot < ids.length; slot++) expect(table.idOf(slot)).toBe(ids[slot]);
  });
});

describe('timeKey', () => {
  it('orders as the timestamps do and refuses any other form', () => {
    const times = [
      '0001-01-01T00:00:00Z',
      '2026-01-01T00:00:00Z',
      '2026-12-06T13:37:59Z',
      '9999-12-31T23:59:59Z',
    ];
    const keys = times.map(timeKey);
    expect([...keys].sort((a, b) => a - b)).toEqual(keys);
    for (let i = 0; i < times.length; i++) expect(timeOfKey(keys[i]!)).toBe(times[i]);
    for (const bad of [
      '2026-01-01T00:00:00',
      '2026-01-01 00:00:00Z',
      '2026-0a-01T00:00:00Z',
      '2026-01-01T00:00:0/Z',
      '',
    ]) {
      expect(() => timeKey(bad)).toThrow('not a timestamp');
    }
  });
});
