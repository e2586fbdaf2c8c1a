/**
 * Start-up load of the name index from the node's own records (the `objects` of kind `record`),
 * page by page in log order. Their payloads were verified when they were accepted, so they are only
 * decoded here. Followed records reach the index through the decision index as federation loads
 * them (GenerationIndex is told of every DecisionIndex.addRecord).
 */
import type { ConsentRecord } from '@kyodaku/client';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { objects } from '../db/schema.ts';
import type { GenerationIndex } from './generation-index.ts';

const PAGE = 10_000;

/** The payload of a compact JWS accepted earlier (no verification). */
function payloadOfAccepted(jws: string): ConsentRecord {
  const start = jws.indexOf('.') + 1;
  const payload = jws.slice(start, jws.indexOf('.', start));
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ConsentRecord;
}

export async function loadNames(db: Db, index: GenerationIndex): Promise<void> {
  let after = -1;
  for (;;) {
    const page = await db
      .select({ seq: objects.seq, id: objects.id, jws: objects.jws })
      .from(objects)
      .where(and(eq(objects.kind, 'record'), gt(objects.seq, after)))
      .orderBy(asc(objects.seq))
      .limit(PAGE);
    for (const row of page) index.addRecord(row.id, payloadOfAccepted(row.jws));
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  index.build();
}
