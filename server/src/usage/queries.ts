/**
 * What holders and the public read of usage (spec/usage.md §6): the uses of a holder's works, the
 * uses of one identifier, the declarations of a declarant, one declaration, its manifest, a label.
 * Pages are keyed by the index they are read in, so a page never skips or repeats a row.
 */
import { KyodakuError, type schemas, type UsageSubject } from '@kyodaku/client';
import { and, asc, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm';
import { isPostgres } from '../db/dialect.ts';
import type { Db } from '../db/open.ts';
import { labels, objects, usageCitations, usageDeclarations, usageManifests } from '../db/schema.ts';

/** A cursor over uses: the declaration id and the item index of the last row of the page. */
export interface UseCursor {
  declaration: string;
  item: number;
  record: string;
}

export function parseUseCursor(text: string | undefined): UseCursor | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9a-f]{64})\.(\d{1,7})\.([0-9a-f]{64})$/.exec(text);
  if (m === null) throw new KyodakuError('ERR_INVALID_REQUEST', 'cursor is not one this node issued');
  return { declaration: m[1]!, item: Number(m[2]), record: m[3]! };
}

export function useCursorOf(use: schemas.UsageUse): string {
  return `${use.declaration}.${use.item}.${use.record}`;
}

function after(cursor: UseCursor | undefined): SQL | undefined {
  if (cursor === undefined) return undefined;
  const c = usageCitations;
  return or(
    gt(c.declaration, cursor.declaration),
    and(eq(c.declaration, cursor.declaration), gt(c.item, cursor.item)),
    and(eq(c.declaration, cursor.declaration), eq(c.item, cursor.item), gt(c.record, cursor.record)),
  );
}

export class UsageQueries {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async #uses(where: SQL | undefined, limit: number): Promise<schemas.UsageUse[]> {
    const rows = await this.#db
      .select({ c: usageCitations, d: usageDeclarations })
      .from(usageCitations)
      .innerJoin(usageDeclarations, eq(usageDeclarations.id, usageCitations.declaration))
      .where(where)
      .orderBy(asc(usageCitations.declaration), asc(usageCitations.item), asc(usageCitations.record))
      .limit(limit);
    return rows.map(({ c, d }) => ({
      declaration: c.declaration,
      declarant: d.declarant,
      subject: JSON.parse(d.subject) as UsageSubject,
      period: { from: d.periodFrom, until: d.periodUntil },
      item: c.item,
      ids: JSON.parse(c.ids) as string[],
      purpose: c.purpose as schemas.UsageUse['purpose'],
      record: c.record,
      holder: c.holder,
      uses: c.uses,
      received_at: d.receivedAt,
    }));
  }

  /** Uses of the works of a holder (the issuer of the cited records). */
  usesOfHolder(holder: string, cursor: UseCursor | undefined, limit: number) {
    return this.#uses(and(eq(usageCitations.holder, holder), after(cursor)), limit);
  }

  /** Uses of items one of whose identifiers is `identifier`. */
  usesOfIdentifier(identifier: string, cursor: UseCursor | undefined, limit: number) {
    return this.#uses(
      and(
        // The JSON text of the identifier inside the stored JSON array (strpos on PostgreSQL).
        isPostgres(this.#db)
          ? sql`strpos(${usageCitations.ids}, ${JSON.stringify(identifier)}) > 0`
          : sql`instr(${usageCitations.ids}, ${JSON.stringify(identifier)}) > 0`,
        after(cursor),
      ),
      limit,
    );
  }

  /** Declarations of a declarant after a seq, oldest first, with their objects and labels. */
  declarationsOf(declarant: string, afterSeq: number, limit: number) {
    return this.#db
      .select({ d: usageDeclarations, o: objects, label: labels.number })
      .from(usageDeclarations)
      .innerJoin(objects, eq(objects.seq, usageDeclarations.seq))
      .leftJoin(labels, eq(labels.declaration, usageDeclarations.id))
      .where(and(eq(usageDeclarations.declarant, declarant), gt(usageDeclarations.seq, afterSeq)))
      .orderBy(asc(usageDeclarations.seq))
      .limit(limit);
  }

  async declaration(id: string) {
    const [row] = await this.#db
      .select({ d: usageDeclarations, o: objects, label: labels.number })
      .from(usageDeclarations)
      .innerJoin(objects, eq(objects.seq, usageDeclarations.seq))
      .leftJoin(labels, eq(labels.declaration, usageDeclarations.id))
      .where(eq(usageDeclarations.id, id))
      .limit(1);
    return row;
  }

  async manifest(declaration: string): Promise<string | undefined> {
    const [row] = await this.#db
      .select({ body: usageManifests.body })
      .from(usageManifests)
      .where(eq(usageManifests.declaration, declaration))
      .limit(1);
    return row?.body;
  }

  async label(number: number) {
    const [row] = await this.#db
      .select({ l: labels, o: objects })
      .from(labels)
      .innerJoin(objects, eq(objects.seq, labels.number))
      .where(eq(labels.number, number))
      .limit(1);
    return row;
  }

  /** How many declarations a declarant made. */
  async declarationCount(declarant: string): Promise<number> {
    const [row] = await this.#db
      .select({ n: sql<number>`count(*)` })
      .from(usageDeclarations)
      .where(eq(usageDeclarations.declarant, declarant));
    return Number(row?.n ?? 0);
  }

  /** The citations of a holder with their declarations, for the report (report.ts). */
  citationsForReport(holder: string) {
    return this.#db
      .select({
        declaration: usageCitations.declaration,
        item: usageCitations.item,
        purpose: usageCitations.purpose,
        uses: usageCitations.uses,
        compensation: usageCitations.compensation,
      })
      .from(usageCitations)
      .where(eq(usageCitations.holder, holder));
  }

  async declarationsByIds(ids: readonly string[]) {
    const out = new Map<string, typeof usageDeclarations.$inferSelect>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await this.#db
        .select()
        .from(usageDeclarations)
        .where(inArray(usageDeclarations.id, chunk));
      for (const row of rows) out.set(row.id, row);
    }
    return out;
  }
}
