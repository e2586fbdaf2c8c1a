/** The JSON report: suite and spec version, target, time, summary, per-requirement totals, cases. */
import type { Report } from '../runner.ts';

export function jsonReport(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
