/** The terminal summary: one line per case (status, id, requirement ids), the reason under failures. */
import type { CaseResult } from '../case.ts';
import type { Report } from '../runner.ts';

const MARK: Record<CaseResult['status'], string> = {
  PASSED: 'PASS',
  FAILED: 'FAIL',
  WARNING: 'WARN',
  SKIPPED: 'SKIP',
  NOT_APPLICABLE: 'N/A ',
};

export function caseLine(result: CaseResult, verbose = false): string {
  const head = `${MARK[result.status]}  ${result.id}  [${result.requirements.join(', ')}]`;
  if (result.status === 'PASSED' && !verbose) return head;
  if (result.message === '') return head;
  const message =
    result.status === 'FAILED' || result.status === 'WARNING'
      ? result.message
      : result.message.split('\n')[0];
  return `${head}\n${message!
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')}`;
}

export function textSummary(report: Report): string {
  const s = report.summary;
  const failedReqs = Object.entries(report.requirements)
    .filter(([, t]) => t.failed > 0)
    .map(([id]) => id);
  return [
    '',
    `target ${report.target} — profiles ${report.profiles.join(', ')}${report.strict ? ' (strict)' : ''}`,
    `${s.total} cases: ${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings, ${s.skipped} skipped, ${s.not_applicable} not applicable`,
    `${Object.keys(report.requirements).length} requirements checked${failedReqs.length ? `; failing: ${failedReqs.join(', ')}` : ''}`,
  ].join('\n');
}
