/** Report formats: the JSON shape, well-formed JUnit XML, and the terminal lines. */
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../src/case.ts';
import { jsonReport } from '../src/report/json.ts';
import { junitReport } from '../src/report/junit.ts';
import { caseLine, textSummary } from '../src/report/text.ts';
import { buildReport } from '../src/runner.ts';

const result = (
  id: string,
  status: CaseResult['status'],
  message = '',
  requirements = ['REQ-SIG-002'],
): CaseResult => ({
  id,
  title: `title of ${id} <&>`,
  requirements,
  level: 'MUST',
  profile: id.startsWith('log-') ? 'log' : 'core',
  status,
  message,
  duration_ms: 3,
});

const report = buildReport('http://127.0.0.1:1', '2026-01-01T00:00:00.000Z', ['core'], false, [
  result('core-a', 'PASSED'),
  result(
    'core-b',
    'FAILED',
    'expected 400 urn:kyodaku:problem:unsupported-algorithm, got 201 "<x & y>"\n  > POST /v1/records',
    ['REQ-SIG-002', 'REQ-API-011'],
  ),
  result('core-c', 'SKIPPED', 'nothing to send'),
  result('core-d', 'WARNING', 'no Allow header', ['REQ-ERR-005']),
  result('log-e', 'NOT_APPLICABLE', 'profile log is not under test', ['REQ-LOG-001']),
]);

/** A small well-formedness check: balanced tags, quoted attributes, only escaped & and <. */
function assertWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  expect(body).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    if (m[0] === '<') throw new Error(`stray < at ${m.index}`);
    if (m[0] === '>') continue;
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

describe('reports', () => {
  it('JSON: summary, per-requirement totals and cases', () => {
    const json = JSON.parse(jsonReport(report));
    expect(json.summary).toEqual({
      passed: 1,
      failed: 1,
      skipped: 1,
      warnings: 1,
      not_applicable: 1,
      total: 5,
    });
    expect(json.requirements['REQ-SIG-002']).toEqual({
      passed: 1,
      failed: 1,
      skipped: 1,
      warnings: 0,
      not_applicable: 0,
    });
    expect(json.requirements['REQ-API-011'].failed).toBe(1);
    expect(json.cases[1]).toMatchObject({
      id: 'core-b',
      requirements: ['REQ-SIG-002', 'REQ-API-011'],
      status: 'FAILED',
    });
    expect(json.cases[1].message).toContain('unsupported-algorithm');
    expect(json).toMatchObject({
      spec_version: '0.1',
      target: 'http://127.0.0.1:1',
      suite: { name: '@kyodaku/conformance' },
    });
  });

  it('JUnit: well-formed XML with a failure, skips and the requirement ids', () => {
    const xml = junitReport(report);
    assertWellFormedXml(xml);
    expect(xml).toContain('<testsuites name="kyodaku-conformance" tests="5" failures="1" skipped="2"');
    expect(xml).toContain('<testsuite name="core" tests="4" failures="1" errors="0" skipped="1"');
    expect(xml).toMatch(
      /<testcase classname="kyodaku.core" name="core-b"[^>]*>[\s\S]*<failure message="expected 400/,
    );
    expect(xml).toContain('<property name="requirements" value="REQ-SIG-002 REQ-API-011"/>');
    expect(xml).toContain('&lt;x &amp; y&gt;');
    expect(xml).toContain('<testsuite name="log"');
  });

  it('terminal: one line per case with status, id and requirement ids', () => {
    expect(caseLine(report.cases[0]!)).toBe('PASS  core-a  [REQ-SIG-002]');
    expect(caseLine(report.cases[1]!)).toMatch(
      /^FAIL {2}core-b {2}\[REQ-SIG-002, REQ-API-011\]\n {6}expected 400/,
    );
    expect(caseLine(report.cases[2]!)).toBe('SKIP  core-c  [REQ-SIG-002]\n      nothing to send');
    expect(textSummary(report)).toContain(
      '5 cases: 1 passed, 1 failed, 1 warnings, 1 skipped, 1 not applicable',
    );
    expect(textSummary(report)).toContain('failing: REQ-API-011, REQ-SIG-002');
  });
});
