/**
 * PostgreSQL errors that are the storage's fault (db/storage-fault.ts) are answered 503
 * `storage-unavailable` with a Retry-After, like SQLite's; an error that is the request's (a
 * duplicate key, a syntax error) is not one.
 */
import { describe, expect, it } from 'vitest';
import { isStorageFault, storageFaultOf } from '../../src/db/storage-fault.ts';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('PostgreSQL storage faults', () => {
  it.each([
    ['53100', 'disk full', 30],
    ['53300', 'too many connections', 30],
    ['08006', 'connection failure', 5],
    ['ECONNREFUSED', 'server down', 5],
    ['57P01', 'administrator shutdown', 30],
    ['25006', 'read-only transaction (a standby)', 30],
    ['40001', 'serialization failure', 1],
    ['40P01', 'deadlock', 1],
    ['55P03', 'lock not available', 1],
  ])('%s (%s) is a fault, retry after %i s', (code, _what, retryAfter) => {
    const wrapped = Object.assign(new Error('Failed query'), { cause: pgError(code) });
    expect(isStorageFault(wrapped)).toBe(true);
    const fault = storageFaultOf(wrapped);
    expect(fault?.code).toBe('ERR_STORAGE');
    expect(fault?.detail).toMatchObject({ retryAfter });
  });

  it.each([['23505'], ['42601'], ['22P02']])('%s is the request’s, not the storage’s', (code) => {
    expect(isStorageFault(pgError(code))).toBe(false);
    expect(storageFaultOf(pgError(code))).toBeUndefined();
  });
});
