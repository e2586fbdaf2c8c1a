import { defineConfig } from 'drizzle-kit';

/** Migrations of the PostgreSQL engine (db/schema-pg.ts); `drizzle.config.ts` is libSQL's. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema-pg.ts',
  out: './drizzle-pg',
});
