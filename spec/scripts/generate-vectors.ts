/**
 * Regenerates spec/vectors/*.json (the generated ones) and spec/schemas/*.json.
 * `--check` writes nothing and exits 1 when a file differs from what the code computes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { generatedFiles } from './lib/generated-files.ts';

const check = process.argv.includes('--check');
const files = await generatedFiles();
let stale = 0;
for (const [path, content] of files) {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === content) continue;
  if (check) {
    console.error(`stale: ${path}`);
    stale++;
  } else {
    await writeFile(path, content);
    console.log(`wrote ${path}`);
  }
}
if (check && stale > 0) process.exit(1);
console.log(check ? `${files.size} generated files are up to date` : `${files.size} files checked`);
