/**
 * Start-up load of the name index from the node's own records (the `objects` of kind `record`),
 * page by page in log order, in the background: the node answers decisions meanwhile, and prompt
 * checks wait for `GenerationIndex.ready`. The payloads were verified when they were accepted, so
 * they are only decoded here, and only parsed when they have names or links. Records accepted
 * during the load reach the index as every record does (DecisionIndex.onRecord), as do followed
 * records when federation loads them; the index takes each record once.
 *
 * The client answers a query on SQLite synchronously, so an `await` between pages alone never lets
 * the event loop run: the load was one chain of microtasks, and the node answered nothing until the
 * last page (13 s at 250,000 records on a busy machine, measured with a 1 ms timer that never fired).
 * Small pages with a turn of the event loop after each keep every request's wait to one page.
 */
import type { ConsentRecord } from '@kyodaku/client';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { objects } from '../db/schema.ts';
import type { GenerationIndex } from './generation-index.ts';

const PAGE = 500;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The payload of a compact JWS accepted earlier (no verification), when it has names or links. */
function namedPayload(jws: string): ConsentRecord | undefined {
  const start = jws.indexOf('.') + 1;
  const text = Buffer.from(jws.slice(start, jws.indexOf('.', start)), 'base64url').toString('utf8');
  // Canonical JSON: the members are written exactly so when present.
  if (!text.includes('"titles":') && !text.includes('"aliases":') && !text.includes('"related":'))
    return undefined;
  return JSON.parse(text) as ConsentRecord;
}

/** Loads the names; stops early (without error) once `stopped()` says the node is closing. */
export async function loadNames(
  db: Db,
  index: GenerationIndex,
  stopped: () => boolean = () => false,
): Promise<void> {
  let after = -1;
  while (!stopped()) {
    const page = await db
      .select({ seq: objects.seq, id: objects.id, jws: objects.jws })
      .from(objects)
      .where(and(eq(objects.kind, 'record'), gt(objects.seq, after)))
      .orderBy(asc(objects.seq))
      .limit(PAGE);
    for (const row of page) {
      const payload = namedPayload(row.jws);
      if (payload !== undefined) index.addRecord(row.id, payload);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
    await nextTurn();
  }
  index.build();
}
