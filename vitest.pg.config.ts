import { defineConfig } from 'vitest/config';

/**
 * The store tests again, on the PostgreSQL engine: `npm run test:pg` starts a throwaway cluster
 * (server/test/db/pg-global-setup.ts) and every test node gets its own database on it
 * (server/test/helpers.ts testDatabase); and the scale-out test of many processes on one
 * database. Fails, never skips, without PostgreSQL (.ci/run installs it).
 */
export default defineConfig({
  test: {
    include: [
      'server/test/{objects,records,parties,log,decisions,publish,generation,federation}/*.test.ts',
      // Many processes on one database: two nodes in one test process, and the scale-out test (its
      // own cluster: three processes, the sequencer killed, tiles in a bucket).
      'server/test/cluster/*.test.ts',
    ],
    exclude: [
      // SQLite only: its files, pragmas and write faults (a crash test restarts on a file).
      'server/test/objects/{crash,storage-faults,storage-limit}.test.ts',
    ],
    globalSetup: ['server/test/db/pg-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
