/** Starts the PostgreSQL cluster of `npm run test:pg` (vitest.pg.config.ts) and stops it after. */
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

let cluster: PgCluster | undefined;

export async function setup(): Promise<void> {
  cluster = await startPgCluster();
  process.env.KYODAKU_TEST_PG_URL = cluster.url;
}

export function teardown(): void {
  cluster?.stop();
}
