/**
 * POST /v1/prompt-checks (spec/generation.md §7): the names of the name index found in a text, with
 * the decision for each item found and each purpose asked. Answered from memory: the name index
 * and the decision index; a receipt, when asked for, is signed and logged as for decisions.
 */
import {
  isPurpose,
  KyodakuError,
  type Permission,
  type Purpose,
  schemas,
  toTimestamp,
} from '@kyodaku/client';
import { Hono } from 'hono';
import { missTail } from '../decisions/answer-templates.ts';
import { withOrigins } from '../decisions/routes.ts';
import { publicationsBodyLimit, readJson } from '../http/body.ts';
import { issueReceipt } from '../log/receipts.ts';
import type { NodeContext } from '../node-context.ts';
import type { GenerationIndex } from './generation-index.ts';

const { LIMITS } = schemas;
const MEMBERS = new Set(['text', 'purposes', 'at', 'receipt']);
const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function invalidRequest(message: string): never {
  throw new KyodakuError('ERR_INVALID_REQUEST', message);
}

interface PromptCheck {
  text: string;
  purposes: Purpose[];
  at?: string;
  nonce?: string;
}

/** The request, checked as REQ-GEN-008 says. */
function parsePromptCheck(body: unknown): PromptCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    invalidRequest('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!MEMBERS.has(key)) invalidRequest(`unknown member "${key}"`);
  const { text, purposes, at, receipt } = b;
  if (typeof text !== 'string' || text.length === 0) invalidRequest('text must be a non-empty string');
  if (text.length > LIMITS.maxPromptChars && schemas.codePoints(text) > LIMITS.maxPromptChars) {
    throw new KyodakuError('ERR_TOO_LARGE', `text must be at most ${LIMITS.maxPromptChars} code points`);
  }
  if (!Array.isArray(purposes) || purposes.length === 0 || purposes.length > LIMITS.maxBatchPurposes) {
    invalidRequest(`purposes must be an array of 1..${LIMITS.maxBatchPurposes} purposes`);
  }
  for (const p of purposes) {
    if (typeof p !== 'string') invalidRequest('every purpose must be a string');
    if (!isPurpose(p)) throw new KyodakuError('ERR_UNKNOWN_PURPOSE', `unknown purpose ${JSON.stringify(p)}`);
  }
  if (new Set(purposes).size !== purposes.length) invalidRequest('purposes must be unique');
  if (at !== undefined && !schemas.Timestamp.safeParse(at).success) {
    invalidRequest('at must be an RFC 3339 UTC timestamp with whole seconds');
  }
  let nonce: string | undefined;
  if (receipt !== undefined) {
    const parsed = schemas.PromptCheckRequest.shape.receipt.safeParse(receipt);
    if (!parsed.success || parsed.data === undefined)
      invalidRequest('a receipt needs a nonce of 16 to 128 base64url characters');
    nonce = parsed.data.nonce;
  }
  return {
    text,
    purposes: purposes as Purpose[],
    ...(at !== undefined && { at: at as string }),
    ...(nonce !== undefined && { nonce }),
  };
}

const RANK: Record<Permission, number> = { allow: 0, conditional: 1, deny: 2 };
const BY_RANK: readonly Permission[] = ['allow', 'conditional', 'deny'];
/** `"decision":"` opens every decision tail. */
const DECISION_AT = '"decision":"'.length;

/**
 * The answer of a prompt check (REQ-GEN-004..007, REQ-GEN-009) as JSON text. The decision of each
 * item and purpose is the decision index's answer tail, the JSON GET /v1/decision answers with
 * (one per item and purpose, however often the item is found).
 */
export function promptCheckJson(
  node: NodeContext,
  names: GenerationIndex,
  check: { text: string; purposes: readonly Purpose[]; at: string },
): string {
  const { text, purposes, at } = check;
  const found = names.find(text);
  const tails = new Map<number, { tails: string[]; rank: number }>();
  const decisionsOf = (item: number) => {
    let d = tails.get(item);
    if (d === undefined) {
      const ids = names.item(item).ids;
      let rank = 0;
      const list = purposes.map((p) => {
        // On a mirror with the origin of every record named (federation.md REQ-FED-032).
        const tail = withOrigins(node, node.index.answer(ids, p, at, false) ?? missTail(p, false));
        rank = Math.max(rank, RANK[tail.slice(DECISION_AT, tail.indexOf('"', DECISION_AT)) as Permission]);
        return tail;
      });
      d = { tails: list, rank };
      tails.set(item, d);
    }
    return d;
  };
  let overall = 0;
  const parts: string[] = [];
  const quotedPurposes = purposes.map((p) => `"${p}":{`);
  for (let i = 0; i < found.length; i++) {
    const m = found[i]!;
    const d = decisionsOf(m.item);
    if (d.rank > overall) overall = d.rank;
    if (i >= LIMITS.maxPromptMatches) continue;
    let decisions = '';
    for (let k = 0; k < purposes.length; k++)
      decisions += `${k > 0 ? ',' : ''}${quotedPurposes[k]}${d.tails[k]}`;
    parts.push(
      `{"start":${m.start},"end":${m.end},"text":${JSON.stringify(text.slice(m.startU16, m.endU16))},` +
        `"name":${JSON.stringify(m.entry.name)},"lang":${JSON.stringify(m.entry.lang)},"item":${names.itemJson(m.item)},` +
        `"named_by":${JSON.stringify(m.entry.records)}${m.via === undefined ? '' : `,"via":${JSON.stringify(names.item(m.via).ids)}`},` +
        `"decision":"${BY_RANK[d.rank]}","decisions":{${decisions}}}`,
    );
  }
  return (
    `{"at":"${at}","purposes":${JSON.stringify(purposes)},"decision":"${BY_RANK[overall]}",` +
    `"matches":[${parts.join(',')}],"truncated":${found.length > LIMITS.maxPromptMatches}}`
  );
}

/** What a receipt of a prompt check names: one result per reported match and purpose (REQ-GEN-010). */
function receiptItems(answer: schemas.PromptCheckResponse) {
  return answer.matches.flatMap((m) =>
    answer.purposes.map((p) => ({
      ids: [...m.item.ids],
      purpose: p,
      decision: m.decisions[p]!.decision,
      records: m.decisions[p]!.records,
    })),
  );
}

export function generationRoutes(node: NodeContext) {
  return new Hono().post('/v1/prompt-checks', publicationsBodyLimit, async (c) => {
    const names = node.generation;
    if (names === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'this node has no generation profile');
    const body = await readJson(c);
    const check = parsePromptCheck(body);
    const at = check.at ?? toTimestamp(node.now());
    await names.ready;
    const json = promptCheckJson(node, names, { ...check, at });
    if (check.nonce === undefined) return c.body(json, 200, JSON_HEADERS);
    const answer = JSON.parse(json) as schemas.PromptCheckResponse;
    const { receipt: _receipt, ...query } = body as Record<string, unknown>;
    return issueReceipt(node, c, check.nonce, query, at, receiptItems(answer), answer);
  });
}
