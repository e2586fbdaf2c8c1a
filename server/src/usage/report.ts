/**
 * The per-holder usage report (spec/usage.md §6.2): per declaration and purpose, the items used, the
 * uses and the compensation due under the cited records' terms; totals per currency; signed by the
 * node over a checkpoint of its log, not logged.
 */
import {
  signObject,
  toTimestamp,
  type UsageReport,
  type UsageReportLine,
  type UsageSubject,
} from '@kyodaku/client';
import type { NodeContext } from '../node-context.ts';
import type { Compensation } from './citations.ts';
import { dueFor, fromUnits } from './compensation.ts';
import type { UsageQueries } from './queries.ts';

/** Most lines in a report: those of the newest declarations (counts and totals cover all). */
export const MAX_REPORT_LINES = 80;

interface Line {
  seq: number;
  line: Omit<UsageReportLine, 'due'>;
  due: Map<string, bigint>;
  items: Set<number>;
}

function add(due: Map<string, bigint>, currency: string, units: bigint): void {
  due.set(currency, (due.get(currency) ?? 0n) + units);
}

function amounts(due: Map<string, bigint>) {
  return [...due]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, units]) => ({ currency, amount: fromUnits(units) }));
}

export async function holderReport(node: NodeContext, queries: UsageQueries, holder: string) {
  const citations = await queries.citationsForReport(holder);
  const declarations = await queries.declarationsByIds([...new Set(citations.map((c) => c.declaration))]);
  const lines = new Map<string, Line>();
  const purposes = new Map<
    string,
    { items: number; uses: number; unpriced: number; due: Map<string, bigint> }
  >();
  const totals = new Map<string, bigint>();
  let items = 0;
  for (const c of citations) {
    const d = declarations.get(c.declaration)!;
    const key = `${c.declaration} ${c.purpose}`;
    let line = lines.get(key);
    if (line === undefined) {
      line = {
        seq: d.seq,
        line: {
          declaration: d.id,
          declarant: d.declarant,
          subject: JSON.parse(d.subject) as UsageSubject,
          period: { from: d.periodFrom, until: d.periodUntil },
          purpose: c.purpose as UsageReportLine['purpose'],
          items: 0,
          uses: 0,
          unpriced: 0,
        },
        due: new Map(),
        items: new Set(),
      };
      lines.set(key, line);
    }
    let perPurpose = purposes.get(c.purpose);
    if (perPurpose === undefined) {
      perPurpose = { items: 0, uses: 0, unpriced: 0, due: new Map() };
      purposes.set(c.purpose, perPurpose);
    }
    if (!line.items.has(c.item)) {
      line.items.add(c.item);
      items++;
      perPurpose.items++;
    }
    line.line.uses += c.uses;
    perPurpose.uses += c.uses;
    const due = dueFor(
      c.compensation === null ? undefined : (JSON.parse(c.compensation) as Compensation),
      c.uses,
      d.revenue === null ? undefined : (JSON.parse(d.revenue) as { amount: string; currency: string }),
      d.items,
    );
    if (due === 'unpriced') {
      line.line.unpriced++;
      perPurpose.unpriced++;
    } else if (due !== undefined) {
      add(line.due, due.currency, due.units);
      add(perPurpose.due, due.currency, due.units);
      add(totals, due.currency, due.units);
    }
  }
  const ordered = [...lines.values()].sort(
    (a, b) => b.seq - a.seq || (a.line.purpose < b.line.purpose ? -1 : 1),
  );
  const head = await node.log.checkpoints.sign();
  const payload: UsageReport = {
    kind: 'usage-report',
    v: 1,
    node: node.node.kid,
    holder,
    issued_at: toTimestamp(node.now()),
    evaluated_at: { origin: node.origin, size: head.size, root: Buffer.from(head.root).toString('base64') },
    declarations: declarations.size,
    items,
    lines: ordered
      .slice(0, MAX_REPORT_LINES)
      .map((l) => ({ ...l.line, items: l.items.size, due: amounts(l.due) })),
    purposes: [...purposes]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([purpose, p]) => ({
        purpose: purpose as UsageReportLine['purpose'],
        items: p.items,
        uses: p.uses,
        due: amounts(p.due),
        unpriced: p.unpriced,
      })),
    totals: amounts(totals),
  };
  const signed = await signObject('usage-report', payload, node.node.signer);
  return { jws: signed.jws, report: payload };
}
