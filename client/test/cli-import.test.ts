/**
 * `kyodaku import` (spec/interop.md §10): the site-shaped fixtures of spec/vectors/interop/ become
 * unsigned drafts; malformed ones give an error per line and no draft. The drafts then sign and
 * publish with `record import`, as a holder would after review.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { REPO_ROOT, type ServerProcess, startServer } from './helpers/server-process.ts';

let cwd: string;
const FIXTURES = join(REPO_ROOT, 'spec/vectors/interop');

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-import-'));
  for (const name of [
    'robots.txt',
    'robots-malformed.txt',
    'tdmrep.json',
    'tdmrep-malformed.json',
    'license.xml',
    'license-malformed.xml',
    'cawg-assertion.json',
    'tdm-page.html',
    'tdm-page-malformed.html',
    'tdm-epub3.opf',
    'tdm-epub2.opf',
    'tdm-epub-malformed.opf',
    'tdm-book.epub',
    'tdm-book-no-container.epub',
  ])
    copyFileSync(join(FIXTURES, name), join(cwd, name));
});

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: 'http://127.0.0.1:9' } });
}

const drafts = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('kyodaku import', () => {
  it("drafts a robots.txt's Content-Usage rules for every crawler, skipping a named crawler's", async () => {
    const result = await kyodaku(
      'import',
      '--format',
      'aipref',
      'robots.txt',
      '--site',
      'https://news.example',
    );
    expect(result.code, result.stderr).toBe(1);
    // /photos/*.jpg has a * before its end: no Kyodaku identifier names it.
    expect(result.stderr).toContain(
      'robots.txt:7: error: the path pattern "/photos/*.jpg" names no Kyodaku identifier',
    );
    expect(result.stderr).toContain('robots.txt:11: warning: Content-Usage for examplebot only');
    expect(result.stdout).toBe('');
    writeFileSync(
      join(cwd, 'robots-ok.txt'),
      readFileSync(join(cwd, 'robots.txt'), 'utf8').replace(/^Content-Usage: \/photos.*\n/m, ''),
    );
    const ok = await kyodaku(
      'import',
      '--format',
      'aipref',
      'robots-ok.txt',
      '--site',
      'https://news.example',
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(drafts(ok.stdout)).toEqual([
      {
        work: { type: 'work', ids: ['url:https://news.example/*'] },
        purposes: {
          'train.genai': 'deny',
          'train.finetune': 'deny',
          'input.system': 'deny',
          search: 'allow',
        },
      },
      {
        work: { type: 'work', ids: ['url:https://news.example/open-data/*'] },
        purposes: { 'train.genai': 'allow', 'train.finetune': 'allow', 'input.system': 'allow' },
      },
    ]);
    expect(ok.stderr).toContain('2 unsigned draft(s): review them');
  });

  it('reports every malformed line and writes nothing', async () => {
    const result = await kyodaku(
      'import',
      '--format',
      'aipref',
      'robots-malformed.txt',
      '--site',
      'https://blog.example',
      '--out',
      'none.jsonl',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('robots-malformed.txt:2: error: Content-Usage needs a preference');
    expect(result.stderr).toContain('robots-malformed.txt:3: error: not a structured field dictionary');
    expect(result.stderr).toContain(
      'robots-malformed.txt:4: warning: "train-genai" is a label of an earlier aipref draft',
    );
    expect(result.stderr).toContain('robots-malformed.txt:5: warning: not a robots.txt rule');
    expect(result.stderr).toContain('2 error(s): no draft written');
    expect(existsSync(join(cwd, 'none.jsonl'))).toBe(false);
  });

  it('drafts a Content-Usage value for the item named by --id', async () => {
    writeFileSync(join(cwd, 'header.txt'), 'Content-Usage: train-ai=n, search=y\n');
    const result = await kyodaku(
      'import',
      '--format',
      'aipref',
      'header.txt',
      '--id',
      'isbn:978-4-08-872509-3',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(drafts(result.stdout)[0].work.ids).toEqual(['isbn:9784088725093']);
    const noId = await kyodaku('import', '--format', 'aipref', 'header.txt');
    expect(noId.code).toBe(1);
    expect(noId.stderr).toContain(
      'header.txt: error: a Content-Usage value is about one item: name it with --id',
    );
  });

  it('drafts tdmrep.json rules, a policy becoming a note to replace', async () => {
    const result = await kyodaku(
      '--json',
      'import',
      '--format',
      'tdmrep',
      'tdmrep.json',
      '--site',
      'https://publisher.example',
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      drafts: Array<{ line: number; draft: Record<string, unknown> }>;
    };
    expect(report.drafts.map((d) => d.line)).toEqual([2, 6, 11]);
    expect(report.drafts[1]!.draft).toEqual({
      work: { type: 'work', ids: ['url:https://publisher.example/books/*'] },
      purposes: {
        tdm: 'conditional',
        'train.genai': 'conditional',
        'train.finetune': 'conditional',
        'train.nongen': 'conditional',
      },
      conditions: {
        note: {
          en: 'TDM policy: https://publisher.example/policies/tdm-policy.json (imported: replace with the terms before signing)',
        },
      },
    });
    const bad = await kyodaku(
      'import',
      '--format',
      'tdmrep',
      'tdmrep-malformed.json',
      '--site',
      'https://publisher.example',
    );
    expect(bad.code).toBe(1);
    for (const line of [2, 3, 4]) expect(bad.stderr).toContain(`tdmrep-malformed.json:${line}: error:`);
  });

  it("drafts an HTML page's tdm-reservation meta for the item named by --id; a malformed page gives no draft", async () => {
    const result = await kyodaku(
      '--json',
      'import',
      '--format',
      'tdmrep-html',
      'tdm-page.html',
      '--id',
      'url:https://comics.example.jp/works/hoshi/1',
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { drafts: Array<{ draft: Record<string, unknown> }> };
    expect(report.drafts.map((d) => d.draft)).toEqual([
      {
        work: { type: 'work', ids: ['url:https://comics.example.jp/works/hoshi/1'] },
        purposes: {
          tdm: 'conditional',
          'train.genai': 'conditional',
          'train.finetune': 'conditional',
          'train.nongen': 'conditional',
        },
        conditions: {
          note: {
            en: 'TDM policy: https://comics.example.jp/policies/tdm.json?lang=ja&v=2 (imported: replace with the terms before signing)',
          },
        },
      },
    ]);
    const noId = await kyodaku('import', '--format', 'tdmrep-html', 'tdm-page.html');
    expect(noId.code).toBe(1);
    expect(noId.stderr).toContain('tdm-page.html: error: an HTML page is about one item: name it with --id');
    const bad = await kyodaku(
      'import',
      '--format',
      'tdmrep-html',
      'tdm-page-malformed.html',
      '--id',
      'isbn:9784088725093',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('tdm-page-malformed.html:6: error: <meta> tdm-reservation says "yes"');
    expect(bad.stdout).toBe('');
  });

  it("drafts an EPUB package document's tdm:reservation for its ISBN; a malformed one gives no draft", async () => {
    const epub3 = await kyodaku('import', '--format', 'tdmrep-epub', 'tdm-epub3.opf');
    expect(epub3.code, epub3.stderr).toBe(0);
    expect(drafts(epub3.stdout)).toEqual([
      {
        work: { type: 'work', ids: ['isbn:9784088725093'] },
        purposes: {
          tdm: 'conditional',
          'train.genai': 'conditional',
          'train.finetune': 'conditional',
          'train.nongen': 'conditional',
        },
        conditions: {
          note: {
            en: 'TDM policy: https://books.example.jp/policies/tdm-policy.json (imported: replace with the terms before signing)',
          },
        },
      },
    ]);
    const epub2 = await kyodaku(
      'import',
      '--format',
      'tdmrep-epub',
      'tdm-epub2.opf',
      '--id',
      'doi:10.1000/182',
    );
    expect(epub2.code, epub2.stderr).toBe(0);
    expect(drafts(epub2.stdout)[0].work.ids).toEqual(['doi:10.1000/182']);
    // The .epub itself: its package document, found through META-INF/container.xml.
    const book = await kyodaku('import', '--format', 'tdmrep-epub', 'tdm-book.epub');
    expect(book.code, book.stderr).toBe(0);
    expect(drafts(book.stdout)).toEqual(drafts(epub3.stdout));
    const noContainer = await kyodaku('import', '--format', 'tdmrep-epub', 'tdm-book-no-container.epub');
    expect(noContainer.code).toBe(1);
    expect(noContainer.stderr).toContain(
      'tdm-book-no-container.epub: error: the EPUB has no META-INF/container.xml',
    );
    const bad = await kyodaku('import', '--format', 'tdmrep-epub', 'tdm-epub-malformed.opf');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/tdm-epub-malformed\.opf:\d+: error: not well-formed XML/);
    expect(bad.stdout).toBe('');
  });

  it('drafts an RSL license.xml, payment and geo becoming conditions', async () => {
    const result = await kyodaku(
      'import',
      '--format',
      'rsl',
      'license.xml',
      '--site',
      'https://news.example',
    );
    expect(result.code, result.stderr).toBe(0);
    const [articles, press] = drafts(result.stdout);
    expect(articles.work.ids).toEqual(['url:https://news.example/articles/*']);
    expect(articles.conditions.compensation).toEqual({
      model: 'per-use',
      amount: '0.01',
      currency: 'USD',
      url: 'https://news.example/licensing/ai',
    });
    expect(press.conditions).toEqual({ attribution: { required: true } });
    expect(result.stderr).toContain('license.xml:23: warning: user-type permits');
    const bad = await kyodaku(
      'import',
      '--format',
      'rsl',
      'license-malformed.xml',
      '--site',
      'https://news.example',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('license-malformed.xml:5: error: unknown RSL usage "train-genai"');
    expect(bad.stderr).toContain('license-malformed.xml:8: error: <content> needs a url attribute');
  });

  it('refuses a bad --site or --id before reading', async () => {
    expect(
      (await kyodaku('import', '--format', 'rsl', 'license.xml', '--site', 'news.example')).stderr,
    ).toContain('--site is an origin');
    expect(
      (await kyodaku('import', '--format', 'cawg', 'cawg-assertion.json', '--id', 'nope')).stderr,
    ).toContain('is not an identifier');
    expect((await kyodaku('import', '--format', 'pdf', 'license.xml')).stderr).toContain(
      '--format is one of',
    );
  });
});

describe('kyodaku import, then record import: the holder signs the reviewed drafts', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
    const party = await attestedParty(server);
    writeFileSync(join(cwd, 'me.key'), JSON.stringify(party.privateJwk), { mode: 0o600 });
  });
  afterAll(() => server?.stop());

  it('publishes the drafts of a CAWG assertion once signed', async () => {
    const imported = await kyodaku(
      'import',
      '--format',
      'cawg',
      'cawg-assertion.json',
      '--id',
      `sha256:${'ab'.repeat(32)}`,
      '--type',
      'likeness',
      '--out',
      'cawg.jsonl',
    );
    expect(imported.code, imported.stderr).toBe(0);
    const published = await runCli(['record', 'import', 'cawg.jsonl', '--key', 'me.key'], {
      cwd,
      env: { KYODAKU_NODE: server.url },
    });
    expect(published.code, published.stderr + published.stdout).toBe(0);
    const check = await runCli(['check', `sha256:${'ab'.repeat(32)}`, '--purpose', 'input.user'], {
      cwd,
      env: { KYODAKU_NODE: server.url },
    });
    expect(check.code, check.stdout).toBe(2);
    expect(check.stdout).toContain(
      'CAWG constraints: cawg.ai_inference: https://studio.example/licensing/inference',
    );
  });
});
