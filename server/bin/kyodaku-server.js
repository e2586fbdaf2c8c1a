#!/usr/bin/env node
// kyodaku-server start | seed | backup DEST — the Kyodaku reference registry node.
import { register } from 'tsx/esm/api';

register();
const [command = 'start', ...rest] = process.argv.slice(2);
if (command === 'start') {
  const { start } = await import('../src/main.ts');
  await start();
} else if (command === 'seed') {
  const { seedMain } = await import('../src/seed.ts');
  await seedMain(rest);
} else if (command === 'backup') {
  const { backupMain } = await import('../src/ops/backup.ts');
  await backupMain(rest);
} else {
  console.error('usage: kyodaku-server start | seed | backup DEST');
  process.exit(2);
}
