/**
 * Crawler keys registered as Kyodaku parties (spec/crawler-identity.md REQ-CRAWLER-007): a signed
 * query without `Signature-Agent` names its key by thumbprint, and the key counts when it is the
 * current key of a registered party of role `ai-developer` whose id is that thumbprint. Answers,
 * found or not, are kept for a minute so repeated queries do not read the database.
 */
import type { PublicJwk } from '@kyodaku/client';
import type { NodeContext } from '../node-context.ts';
import { payloadOf } from '../objects/views.ts';

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export class RegisteredCrawlerKeys {
  readonly #node: NodeContext;
  readonly #entries = new Map<string, { until: number; key: PublicJwk | undefined }>();

  constructor(node: NodeContext) {
    this.#node = node;
  }

  async key(keyid: string): Promise<PublicJwk | undefined> {
    const now = this.#node.now();
    const kept = this.#entries.get(keyid);
    if (kept !== undefined && kept.until > now) return kept.key;
    const key = await this.#lookup(keyid);
    this.#entries.delete(keyid);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(keyid, { until: now + TTL_MS, key });
    return key;
  }

  async #lookup(keyid: string): Promise<PublicJwk | undefined> {
    const row = await this.#node.parties.partyRow(keyid);
    if (row === undefined || row.role !== 'ai-developer') return undefined;
    if (this.#node.keys.currentKid(keyid) !== keyid) return undefined;
    const party = await this.#node.objects.objectById(row.currentId);
    return party === undefined ? undefined : payloadOf(party.jws, 'party').key;
  }
}
