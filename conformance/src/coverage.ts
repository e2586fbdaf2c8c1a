/**
 * Negative coverage (spec/conformance.md §7): which rejection requirements of the spec the suite
 * tests negatively (a case that sends what the requirement says to refuse), and which only positive
 * cases cite. `kyodaku-conformance --coverage` prints it.
 */
import { createRequire } from 'node:module';
import type { Case } from './case.ts';

export interface SpecRequirement {
  id: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  document: string;
  section: string;
  text: string;
  deprecated: boolean;
  /** A rejection requirement: it obliges a node to refuse something. */
  rejects: boolean;
}

const require = createRequire(import.meta.url);

/** Every requirement of spec/requirements.json. */
export function specRequirements(): SpecRequirement[] {
  return (require('@kyodaku/spec/requirements.json') as { requirements: SpecRequirement[] }).requirements;
}

export interface NegativeCoverage {
  /** The rejection requirements of the spec, in id order. */
  rejections: SpecRequirement[];
  /** Per rejection requirement, the ids of the cases that test it negatively. */
  negative: Map<string, string[]>;
  /** Per rejection requirement, the ids of the cases that cite it only positively. */
  positive: Map<string, string[]>;
  /** Rejection requirements that no case tests negatively (cited positively or not at all). */
  uncovered: SpecRequirement[];
}

export function negativeCoverage(
  cases: readonly Case[],
  requirements: readonly SpecRequirement[] = specRequirements(),
): NegativeCoverage {
  const rejections = requirements.filter((r) => r.rejects);
  const negative = new Map<string, string[]>();
  const positive = new Map<string, string[]>();
  for (const r of rejections) {
    negative.set(
      r.id,
      cases.filter((c) => c.refuses?.includes(r.id)).map((c) => c.id),
    );
    positive.set(
      r.id,
      cases.filter((c) => c.requirements.includes(r.id) && !c.refuses?.includes(r.id)).map((c) => c.id),
    );
  }
  return {
    rejections,
    negative,
    positive,
    uncovered: rejections.filter((r) => negative.get(r.id)!.length === 0),
  };
}

function list(ids: readonly string[], max = 4): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')}, … (${ids.length})`;
}

/** The report `--coverage` prints; with `verbose`, one line per rejection requirement. */
export function coverageReport(coverage: NegativeCoverage, verbose = false): string {
  const lines = [
    `Negative coverage (spec/conformance.md §7): ${coverage.rejections.length} rejection requirements, ${
      coverage.rejections.length - coverage.uncovered.length
    } tested negatively`,
  ];
  if (verbose) {
    for (const r of coverage.rejections) {
      const neg = coverage.negative.get(r.id)!;
      lines.push(`  ${neg.length > 0 ? 'NEG ' : 'NONE'}  ${r.id}  ${list(neg)}`);
    }
  }
  if (coverage.uncovered.length === 0) {
    lines.push('Rejection requirements covered only by positive cases or by none: none');
  } else {
    lines.push(
      `Rejection requirements covered only by positive cases or by none: ${coverage.uncovered.length}`,
    );
    for (const r of coverage.uncovered) {
      const pos = coverage.positive.get(r.id)!;
      lines.push(
        `  ${r.id} (${r.document} § ${r.section}): ${pos.length > 0 ? `positive only: ${list(pos)}` : 'no case'}`,
      );
      lines.push(`    ${r.text.slice(0, 160)}${r.text.length > 160 ? '…' : ''}`);
    }
  }
  return lines.join('\n');
}
