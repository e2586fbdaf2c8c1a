/**
 * A crawler's consent check before training: reads a list of URLs or content hashes, asks a Kyodaku
 * node for every item (batch API, through the SDK) and sorts them into
 *   allowed.txt        items a valid signed record allows for the purpose: use them
 *   denied.txt         everything else, including items nobody has a record for (opt-in: deny)
 *   conditional.jsonl  items allowed only under terms (compensation, attribution…), with the terms
 *   invalid.txt        lines that are not an identifier
 *
 * Input, one item per line: a URL (`https://…`), a SHA-256 of the content (64 hex digits), or any
 * Kyodaku identifier (`scheme:value`). Blank lines and `# comments` are skipped.
 *
 *   npm run crawler -w @kyodaku/examples -- --node http://127.0.0.1:8787 \
 *     --input examples/crawler/sample-urls.txt [--purpose train.genai] [--out DIR]
 */
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KyodakuError, KyodakuNode } from '@kyodaku/client';

export interface CrawlSummary {
  at: string | undefined;
  allowed: number;
  denied: number;
  conditional: number;
  invalid: number;
}

/** The Kyodaku identifier of an input line: URLs and bare hashes get their scheme. */
export function identifierOf(line: string): string {
  if (/^https?:\/\//i.test(line)) return `url:${line}`;
  if (/^[0-9a-f]{64}$/i.test(line)) return `sha256:${line.toLowerCase()}`;
  return line;
}

export async function crawlCheck(options: {
  node: string;
  input: string;
  purpose: string;
  outDir: string;
  batchSize?: number;
}): Promise<CrawlSummary> {
  const node = new KyodakuNode(options.node, { headers: { 'user-agent': 'kyodaku-example-crawler/0.1' } });
  const batchSize = Math.min(options.batchSize ?? 1000, (await node.wellKnown()).limits.max_batch_ids);
  mkdirSync(options.outDir, { recursive: true });
  const open = (name: string) => createWriteStream(resolve(options.outDir, name));
  const files = {
    allowed: open('allowed.txt'),
    denied: open('denied.txt'),
    conditional: open('conditional.jsonl'),
    invalid: open('invalid.txt'),
  };
  const summary: CrawlSummary = { at: undefined, allowed: 0, denied: 0, conditional: 0, invalid: 0 };

  async function check(lines: string[]): Promise<void> {
    // One instant for the whole crawl: the node's time at the first batch.
    const response = await node.decideBatch({
      ids: lines.map(identifierOf),
      purposes: [options.purpose],
      ...(summary.at !== undefined && { at: summary.at }),
    });
    summary.at ??= response.at;
    response.results.forEach((result, i) => {
      const line = lines[i]!;
      if ('error' in result) {
        summary.invalid++;
        files.invalid.write(`${line}\n`);
      } else if (result.decision === 'allow') {
        summary.allowed++;
        files.allowed.write(`${line}\n`);
      } else if (result.decision === 'conditional') {
        summary.conditional++;
        files.conditional.write(
          `${JSON.stringify({ input: line, id: result.id, records: result.records, conditions: result.conditions })}\n`,
        );
      } else {
        summary.denied++;
        files.denied.write(`${line}\n`);
      }
    });
  }

  const input = createInterface({
    input: createReadStream(options.input),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let batch: string[] = [];
  for await (const raw of input) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    if (line.length > 2000) {
      summary.invalid++;
      files.invalid.write(`${line}\n`);
      continue;
    }
    batch.push(line);
    if (batch.length === batchSize) {
      await check(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await check(batch);
  await Promise.all(Object.values(files).map((file: WriteStream) => new Promise((done) => file.end(done))));
  return summary;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      node: { type: 'string', default: process.env.KYODAKU_NODE ?? 'http://127.0.0.1:8787' },
      input: { type: 'string' },
      purpose: { type: 'string', default: 'train.genai' },
      out: { type: 'string', default: fileURLToPath(new URL('out/', import.meta.url)) },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.input === undefined) {
    console.log(
      'usage: crawl-check --input FILE [--node URL] [--purpose train.genai] [--out DIR]\n' +
        'FILE: one URL, sha256 hex digest or scheme:value identifier per line.',
    );
    process.exit(values.help ? 0 : 2);
  }
  // `npm run -w` runs in examples/: take relative paths from where npm was started.
  const base = process.env.INIT_CWD ?? process.cwd();
  const outDir = resolve(base, values.out);
  try {
    const summary = await crawlCheck({
      node: values.node,
      input: resolve(base, values.input),
      purpose: values.purpose,
      outDir,
    });
    console.log(
      `${values.purpose} at ${summary.at ?? '-'}: ${summary.allowed} allowed, ${summary.conditional} conditional, ` +
        `${summary.denied} denied, ${summary.invalid} invalid → ${outDir}/`,
    );
  } catch (error) {
    const code = error instanceof KyodakuError ? ` (${error.code})` : '';
    console.error(`crawl-check: ${(error as Error).message}${code}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
