/**
 * Builds the web page into dist/ with esbuild: src/main.ts and everything it imports, the protocol
 * library included (client/src/browser.ts), as one ES module, its CSS, and index.html. Run by the
 * root `prepare` and `prestart` scripts, and by the browser tests before they start a node.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { WEB_DIST } from './assets.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The library reaches hashing and byte encodings through `platform.ts` (node:crypto and Buffer on
 * Node); the page gets `platform.browser.ts` instead (@noble/hashes and plain Uint8Array code).
 */
const browserPlatform: Plugin = {
  name: 'kyodaku-browser-platform',
  setup(b) {
    b.onResolve({ filter: /\/platform\.ts$/ }, async (args) => {
      const resolved = await b.resolve(args.path.replace(/platform\.ts$/, 'platform.browser.ts'), {
        kind: args.kind,
        resolveDir: args.resolveDir,
      });
      return { path: resolved.path };
    });
  },
};

/** Writes a file whole or not at all: a node serving the directory, or another build, never sees half of it. */
async function writeWhole(path: string, contents: Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

/** Builds the page into `outdir` (dist/ by default) and returns the directory. */
export async function buildWeb(outdir: string = WEB_DIST): Promise<string> {
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(here, 'src/main.ts'), out: 'app' },
      { in: join(here, 'src/app.css'), out: 'app' },
    ],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'linked',
    outdir,
    plugins: [browserPlatform],
    charset: 'utf8',
    logLevel: 'warning',
    write: false,
  });
  for (const file of result.outputFiles) await writeWhole(join(outdir, basename(file.path)), file.contents);
  await writeWhole(join(outdir, 'index.html'), await readFile(join(here, 'src/index.html')));
  return outdir;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = await buildWeb();
  console.log(`web page built in ${dir}`);
}
