import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{spec,client,server,conformance,examples,web}/test/**/*.test.ts'],
    // Needs PostgreSQL and s3rver: npm run test:pg (vitest.pg.config.ts), which .ci/run runs.
    exclude: ['**/node_modules/**', 'server/test/cluster/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
