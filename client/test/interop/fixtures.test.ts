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
  readPreference,
  readRsl,
  readTdmrepJson,
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
