import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{spec,client,server,conformance,examples,web}/test/**/*.test.ts'],
    // Need PostgreSQL and s3rver (npm run test:pg, vitest.pg.config.ts) or Chromium (npm run
    // test:e2e, vitest.e2e.config.ts); .ci/run installs both and runs them.
    exclude: ['**/node_modules/**', 'server/test/cluster/**', 'server/test/web/browser*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
