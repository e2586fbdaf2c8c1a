/** The node's configuration (src/config.ts): the connection and storage settings of issue 16. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('has defaults that bound slow clients and connections, and no database cap', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 1024,
      dbMaxBytes: undefined,
    });
  });

  it('reads the settings from the environment', () => {
    const config = loadConfig({
      KYODAKU_REQUEST_TIMEOUT_MS: '2000',
      KYODAKU_HEADERS_TIMEOUT_MS: '1000',
      KYODAKU_KEEP_ALIVE_TIMEOUT_MS: '700',
      KYODAKU_MAX_CONNECTIONS: '10',
      KYODAKU_DB_MAX_BYTES: '1048576',
    });
    expect(config).toMatchObject({
      requestTimeoutMs: 2000,
      headersTimeoutMs: 1000,
      keepAliveTimeoutMs: 700,
      maxConnections: 10,
      dbMaxBytes: 1_048_576,
    });
  });

  it.each([
    ['KYODAKU_REQUEST_TIMEOUT_MS', '0'],
    ['KYODAKU_REQUEST_TIMEOUT_MS', '5s'],
    ['KYODAKU_HEADERS_TIMEOUT_MS', '99'],
    ['KYODAKU_KEEP_ALIVE_TIMEOUT_MS', '-1'],
    ['KYODAKU_MAX_CONNECTIONS', '0'],
    ['KYODAKU_MAX_CONNECTIONS', ''],
    ['KYODAKU_DB_MAX_BYTES', '1000'],
    ['KYODAKU_DB_MAX_BYTES', '1e9'],
  ])('refuses %s=%j with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() =>
      loadConfig({ KYODAKU_REQUEST_TIMEOUT_MS: '1000', KYODAKU_HEADERS_TIMEOUT_MS: '2000' }),
    ).toThrow(/KYODAKU_HEADERS_TIMEOUT_MS/);
  });

  it('accepts a PostgreSQL URL, and refuses a database cap on one (a file setting)', () => {
    for (const url of ['postgres://kyodaku@127.0.0.1:5432/kyodaku', 'postgresql://db.example/kyodaku']) {
      expect(loadConfig({ KYODAKU_DB: url }).db).toBe(url);
      expect(() => loadConfig({ KYODAKU_DB: url, KYODAKU_DB_MAX_BYTES: '1048576' })).toThrow(
        /KYODAKU_DB_MAX_BYTES applies to a database file only/,
      );
    }
  });

  it('refuses a libSQL server URL: no libSQL server can be run or tested here (issue #19)', () => {
    for (const url of ['libsql://db.example', 'http://127.0.0.1:8080', 'wss://db.example']) {
      expect(() => loadConfig({ KYODAKU_DB: url })).toThrow(/KYODAKU_DB must be/);
    }
  });
});
