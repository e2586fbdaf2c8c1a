/** JUnit XML: one testsuite per profile, one testcase per case (classname = profile, name = id). */
import type { Report } from '../runner.ts';

/** Characters XML 1.0 cannot carry (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF). */
function isXmlChar(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff);
}

export function escapeXml(text: string): string {
  return [...text]
    .map((ch) => (isXmlChar(ch) ? ch : '\uFFFD'))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function junitReport(report: Report): string {
  const profiles = [...new Set(report.cases.map((c) => c.profile))];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kyodaku-conformance" tests="${report.summary.total}" failures="${report.summary.failed}" skipped="${report.summary.skipped + report.summary.not_applicable}" timestamp="${escapeXml(report.started_at)}">`,
  ];
  for (const profile of profiles) {
    const cases = report.cases.filter((c) => c.profile === profile);
    const failures = cases.filter((c) => c.status === 'FAILED').length;
    const skipped = cases.filter((c) => c.status === 'SKIPPED' || c.status === 'NOT_APPLICABLE').length;
    const time = cases.reduce((s, c) => s + c.duration_ms, 0) / 1000;
    lines.push(
      `  <testsuite name="${escapeXml(profile)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">`,
    );
    for (const c of cases) {
      const attrs = `classname="${escapeXml(`kyodaku.${profile}`)}" name="${escapeXml(c.id)}" time="${(c.duration_ms / 1000).toFixed(3)}"`;
      const props = `      <properties>\n        <property name="requirements" value="${escapeXml(c.requirements.join(' '))}"/>\n        <property name="level" value="${c.level}"/>\n        <property name="title" value="${escapeXml(c.title)}"/>\n      </properties>`;
      let body = '';
      if (c.status === 'FAILED') {
        body = `\n      <failure message="${escapeXml(c.message.split('\n')[0] ?? '')}" type="${c.level}">${escapeXml(c.message)}</failure>`;
      } else if (c.status === 'SKIPPED' || c.status === 'NOT_APPLICABLE') {
        body = `\n      <skipped message="${escapeXml(`${c.status}: ${c.message}`)}"/>`;
      } else if (c.status === 'WARNING') {
        body = `\n      <system-out>${escapeXml(`WARNING (SHOULD): ${c.message}`)}</system-out>`;
      }
      lines.push(`    <testcase ${attrs}>\n${props}${body}\n    </testcase>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
