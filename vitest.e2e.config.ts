import { defineConfig } from 'vitest/config';

/**
 * The web page in a real browser (Chromium through playwright-core): `npm run test:e2e`, which
 * .ci/run runs after installing Debian's chromium. Fails, never skips, without a browser.
 */
export default defineConfig({
  test: {
    include: ['server/test/web/browser*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
