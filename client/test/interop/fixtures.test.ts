/**
 * The site-shaped fixtures of spec/vectors/interop/ (written from the public specifications, good and
 * malformed): what each reads as, and each finding on its line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  groupsFor,
  mayCrawl,
  parseRobots,
  pathMatches,
  readCawgAssertion,
  readEpubTdm,
  readPreference,
  readRsl,
  readTdmHtmlMeta,
  readTdmrepJson,
  tdmHtmlMetaFor,
  tdmRuleFor,
  usageFor,
} from '../../src/interop/index.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../spec/vectors/interop/${name}`, import.meta.url), 'utf8');
const lines = (findings: Array<{ line?: number }>) => findings.map((f) => f.line);

describe('robots.txt (RFC 9309 with Content-Usage, draft-ietf-aipref-attach-05 §3)', () => {
  const parsed = parseRobots(fixture('robots.txt'));

  it('reads two groups and no finding', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.value.map((g) => g.agents)).toEqual([['*'], ['examplebot']]);
  });

  it('applies the longest Content-Usage path, as Allow/Disallow do', () => {
    const all = groupsFor(parsed.value, 'kyodaku-precrawl');
    expect(usageFor(all, '/news/today').map((r) => r.value)).toEqual(['train-ai=n, ai-use=n, search=y']);
    expect(usageFor(all, '/open-data/set.csv').map((r) => r.line)).toEqual([6]);
    expect(usageFor(all, '/photos/cat.jpg').map((r) => r.value)).toEqual(['train-ai=n']);
    expect(readPreference(usageFor(all, '/open-data/x')[0]!.value).value).toEqual({
      'train.genai': 'allow',
      'train.finetune': 'allow',
      'input.system': 'allow',
    });
  });

  it('says what may be crawled (longest match) and picks the named group', () => {
    const all = groupsFor(parsed.value, '*');
    expect(mayCrawl(all, '/drafts/x').allowed).toBe(false);
    expect(mayCrawl(all, '/news/').allowed).toBe(true);
    const bot = groupsFor(parsed.value, 'ExampleBot');
    expect(mayCrawl(bot, '/news/')).toMatchObject({ allowed: false, rule: { line: 10 } });
    expect(usageFor(bot, '/news/').map((r) => r.value)).toEqual(['train-ai=y']);
  });

  it('reports a malformed file line by line', () => {
    const bad = parseRobots(fixture('robots-malformed.txt'));
    expect(lines(bad.errors)).toEqual([2]);
    expect(lines(bad.warnings)).toEqual([5]);
    const archive = bad.value[0]!.usage.find((r) => r.path === '/archive/')!;
    expect(lines(readPreference(archive.value, archive.line).errors)).toEqual([3]);
    const blog = bad.value[0]!.usage.find((r) => r.path === '/blog/')!;
    expect(readPreference(blog.value, blog.line).warnings.map((w) => w.line)).toEqual([4, 4]);
  });

  it('reads a Content-Usage rule without a path as applying to every path (attach-05 §3.2)', () => {
    const groups = parseRobots(
      'User-Agent: *\nContent-Usage: train-ai=n\nContent-Usage: /a/ search=y\n',
    ).value;
    expect(usageFor(groups, '/b').map((r) => [r.path, r.value])).toEqual([['', 'train-ai=n']]);
    expect(usageFor(groups, '/a/x').map((r) => r.value)).toEqual(['search=y']);
  });

  it('matches * and $ as RFC 9309 §2.2.3 does', () => {
    expect(pathMatches('/photos/*.jpg', '/photos/a/b.jpg')).toBe(true);
    expect(pathMatches('/a$', '/a')).toBe(true);
    expect(pathMatches('/a$', '/ab')).toBe(false);
    expect(pathMatches('/a.b', '/axb')).toBe(false);
  });
});

describe('tdmrep.json (TDMRep Final CG Report 2024-05-10)', () => {
  it('reads the rules and uses the first match', () => {
    const parsed = readTdmrepJson(fixture('tdmrep.json'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.value.map((r) => [r.location, r.reservation, r.line])).toEqual([
      ['/research/*', 0, 2],
      ['/books/', 1, 6],
      ['/', 1, 11],
    ]);
    expect(tdmRuleFor(parsed.value, '/books/a', pathMatches)?.policy).toBe(
      'https://publisher.example/policies/tdm-policy.json',
    );
    expect(tdmRuleFor(parsed.value, '/research/x', pathMatches)?.reservation).toBe(0);
  });

  it('reports each malformed rule on its line', () => {
    const parsed = readTdmrepJson(fixture('tdmrep-malformed.json'));
    expect(lines(parsed.errors)).toEqual([2, 3, 4]);
    expect(lines(parsed.warnings)).toEqual([5]);
    expect(parsed.value.map((r) => r.location)).toEqual(['/press/']);
  });

  it('bounds hostile JSON before parsing it', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(readTdmrepJson(deep).errors[0]!.message).toMatch(/tdmrep\.json .*(deep|depth|nest)/i);
    expect(readCawgAssertion(`{"data":${deep}}`).errors).toHaveLength(1);
  });

  it('reports JSON that does not parse', () => {
    expect(readTdmrepJson('[{"location": "/",').errors).toHaveLength(1);
    expect(readTdmrepJson('{"location": "/"}').errors[0]!.message).toMatch(/array/);
  });
});

describe('CAWG training-mining assertions', () => {
  it('reads an assertion, keeping constraints and warning on an entry it does not map', () => {
    const parsed = readCawgAssertion(fixture('cawg-assertion.json'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.value.permissions['input.user']).toBe('conditional');
    expect(parsed.value.constraints).toEqual([
      'cawg.ai_inference: https://studio.example/licensing/inference',
    ]);
    expect(parsed.warnings.map((w) => w.message)).toEqual([
      'entry "com.studio-example.internal_review" is not one Kyodaku maps; ignored',
    ]);
  });

  it('finds the assertion in a manifest, by its C2PA 1.x label', () => {
    const parsed = readCawgAssertion(fixture('cawg-manifest.json'));
    expect(parsed.value.permissions).toEqual({
      'train.genai': 'deny',
      'train.finetune': 'deny',
      'input.system': 'deny',
      'input.user': 'deny',
    });
  });

  it('reports each malformed entry', () => {
    expect(readCawgAssertion(fixture('cawg-malformed.json')).errors.map((e) => e.message)).toEqual([
      'entry "cawg.ai_generative_training": use must be allowed, notAllowed or constrained',
      'entry "cawg.data_mining": use must be allowed, notAllowed or constrained',
    ]);
  });
});

describe('RSL 1.0 license.xml', () => {
  it('reads contents, licenses, payment and geo, warning on what it leaves out', () => {
    const parsed = readRsl(fixture('license.xml'));
    expect(parsed.errors).toEqual([]);
    const [articles, press] = parsed.value;
    expect(articles).toMatchObject({
      url: '/articles/*',
      line: 3,
      permissions: {
        search: 'allow',
        'input.system': 'conditional',
        'input.index': 'conditional',
        'train.genai': 'deny',
      },
      conditions: {
        compensation: {
          model: 'per-use',
          amount: '0.01',
          currency: 'USD',
          url: 'https://news.example/licensing/ai',
        },
        territory: ['JP', 'US'],
      },
    });
    expect(press!.permissions['generate.voice']).toBe('conditional');
    expect(press!.conditions).toEqual({ attribution: { required: true } });
    expect(lines(parsed.warnings)).toEqual([23]);
  });

  it('reports an unknown usage and a content without url on their lines', () => {
    const parsed = readRsl(fixture('license-malformed.xml'));
    expect(parsed.errors.map((e) => [e.line, e.message])).toEqual([
      [5, 'unknown RSL usage "train-genai"'],
      [8, '<content> needs a url attribute'],
    ]);
  });

  it('reports malformed XML on its line and refuses DTDs', () => {
    expect(lines(readRsl(fixture('license-broken.xml')).errors)).toEqual([5]);
    expect(readRsl(fixture('license-entities.xml')).errors.map((e) => [e.line, e.message])).toEqual([
      [2, 'a DOCTYPE or ENTITY declaration is refused'],
    ]);
  });
});

describe('TDMRep in an HTML page (TDMRep §3.3)', () => {
  it("reads the head's meta elements case-insensitively, not comments, scripts or the body", () => {
    const read = readTdmHtmlMeta(fixture('tdm-page.html'));
    expect(read.errors).toEqual([]);
    expect(read.warnings).toEqual([]);
    expect(read.value).toEqual({
      reservation: 1,
      policy: 'https://comics.example.jp/policies/tdm.json?lang=ja&v=2',
    });
  });

  it('reports meta elements that disagree, and one without content', () => {
    const bad = readTdmHtmlMeta(fixture('tdm-page-malformed.html'));
    expect(bad.value).toBeUndefined();
    expect(lines(bad.errors)).toEqual([6]);
    expect(lines(bad.warnings)).toEqual([7]);
  });

  it('reports a value other than 0 or 1 (a protocol error: unset), and reads no relative policy', () => {
    const bad = readTdmHtmlMeta(fixture('tdm-page-bad-value.html'));
    expect(bad.value).toBeUndefined();
    expect(lines(bad.errors)).toEqual([4]);
    expect(
      readTdmHtmlMeta('<meta name="tdm-reservation" content="1"><meta name="tdm-policy" content="/p">'),
    ).toMatchObject({
      value: { reservation: 1 },
      warnings: [{ line: 1 }],
    });
  });

  it('writes meta elements that read back as the same declaration', () => {
    const declaration = {
      reservation: 1 as const,
      policy: 'https://node.example/v1/interop/tdm-policy?id=a&b',
    };
    const html = tdmHtmlMetaFor(declaration);
    expect(html).toBe(
      '<meta name="tdm-reservation" content="1">\n<meta name="tdm-policy" content="https://node.example/v1/interop/tdm-policy?id=a&amp;b">\n',
    );
    expect(readTdmHtmlMeta(html).value).toEqual(declaration);
  });
});

describe('TDMRep in an EPUB package document (TDMRep §3.4)', () => {
  it('reads EPUB 3 tdm:reservation and tdm:policy under the declared prefix, and the ISBN', () => {
    const read = readEpubTdm(fixture('tdm-epub3.opf'));
    expect(read.errors).toEqual([]);
    expect(read.warnings).toEqual([]);
    expect(read.value).toEqual({
      declaration: { reservation: 1, policy: 'https://books.example.jp/policies/tdm-policy.json' },
      ids: ['isbn:9784088725093'],
    });
  });

  it('reads the EPUB 2 form <meta name content>', () => {
    const read = readEpubTdm(fixture('tdm-epub2.opf'));
    expect(read.errors).toEqual([]);
    expect(read.value).toEqual({ declaration: { reservation: 0 }, ids: ['isbn:9784088725093'] });
  });

  it('refuses XML that is not well-formed, a DOCTYPE, and another root', () => {
    expect(lines(readEpubTdm(fixture('tdm-epub-malformed.opf')).errors)).toHaveLength(1);
    expect(readEpubTdm('<!DOCTYPE package [<!ENTITY x "1">]><package/>').errors).toEqual([
      { line: 1, message: 'a DOCTYPE or ENTITY declaration is refused' },
    ]);
    expect(readEpubTdm('<rsl/>').errors[0]?.message).toContain('<package>');
  });

  it('reads an undeclared tdm prefix with a warning, and reports values that disagree', () => {
    const read = readEpubTdm(fixture('tdm-epub-undeclared.opf'));
    expect(lines(read.warnings)).toEqual([6, 7]);
    expect(lines(read.errors)).toEqual([7]);
    expect(read.value).toEqual({ ids: [] });
  });
});
