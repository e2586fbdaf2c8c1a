/** The operations settings from the environment (server/README.md): defaults, overrides, refusals. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('operations configuration', () => {
  it('Should default to generous request limits, a receipt budget, no trusted proxy and metrics on', () => {
    const { ops } = loadConfig({});
    expect(ops).toEqual({
      rateLimits: {
        requests: { burst: 2000, perSecond: 100 },
        receipts: { burst: 60, perSecond: 1 },
      },
      trustProxy: 0,
      accessLog: 'all',
      metrics: true,
    });
  });

  it('Should turn the access log off by default under a test runner, unless asked for', () => {
    expect(loadConfig({ VITEST: 'true' }).ops.accessLog).toBe('off');
    expect(loadConfig({ NODE_ENV: 'test' }).ops.accessLog).toBe('off');
    expect(loadConfig({ VITEST: 'true', KYODAKU_ACCESS_LOG: 'errors' }).ops.accessLog).toBe('errors');
  });

  it('Should read every setting, and 0 requests per second turns the request limit off', () => {
    const { ops } = loadConfig({
      KYODAKU_RATE_REQUESTS_PER_SECOND: '0',
      KYODAKU_RATE_RECEIPT_BURST: '5',
      KYODAKU_RATE_RECEIPTS_PER_MINUTE: '30',
      KYODAKU_TRUST_PROXY: '2',
      KYODAKU_ACCESS_LOG: 'off',
      KYODAKU_METRICS: 'off',
    });
    expect(ops).toEqual({
      rateLimits: { receipts: { burst: 5, perSecond: 0.5 } },
      trustProxy: 2,
      accessLog: 'off',
      metrics: false,
    });
  });

  it.each([
    ['KYODAKU_RATE_REQUEST_BURST', '0'],
    ['KYODAKU_RATE_REQUESTS_PER_SECOND', '-1'],
    ['KYODAKU_RATE_RECEIPT_BURST', 'many'],
    ['KYODAKU_RATE_RECEIPTS_PER_MINUTE', '0'],
    ['KYODAKU_TRUST_PROXY', '11'],
    ['KYODAKU_ACCESS_LOG', 'verbose'],
    ['KYODAKU_METRICS', 'yes'],
  ])('Should refuse %s=%s at start', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
