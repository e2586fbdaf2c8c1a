/**
 * POST /v1/prompt-checks (spec/generation.md §7): the names of the name index found in a text, with
 * the decision for each item found and each purpose asked. Answered from memory: the name index
 * and the decision index; a receipt, when asked for, is signed and logged as for decisions.
 */
import {
  isPurpose,
  KyodakuError,
  mostRestrictive,
  type Permission,
  type Purpose,
  schemas,
  toTimestamp,
} from '@kyodaku/client';
import { Hono } from 'hono';
import { jsonBodyLimit, readJson } from '../http/body.ts';
import { issueReceipt } from '../log/receipts.ts';
import type { NodeContext } from '../node-context.ts';
import type { GenerationIndex, ItemMatch } from './generation-index.ts';

const { LIMITS } = schemas;
const MEMBERS = new Set(['text', 'purposes', 'at', 'receipt']);

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

type LeafAnswer = {
  decision: Permission;
  reasons: string[];
  records: string[];
  disputed: boolean;
  conditions?: unknown[];
};

/** The answer of a prompt check (REQ-GEN-004..007, REQ-GEN-009) and what a receipt names. */
export function promptCheckAnswer(
  node: NodeContext,
  names: GenerationIndex,
  check: { text: string; purposes: readonly Purpose[]; at: string },
) {
  const found = names.find(check.text);
  // One decision per item and purpose (an item may be found many times).
  const decided = new Map<string, LeafAnswer>();
  const decide = (item: number, purpose: Purpose): LeafAnswer => {
    const key = `${item}\n${purpose}`;
    let answer = decided.get(key);
    if (answer === undefined) {
      const d = node.index.decide(names.item(item).ids, purpose, check.at);
      answer = {
        decision: d.decision,
        reasons: d.reasons,
        records: d.records,
        disputed: d.disputed,
        ...(d.conditions !== undefined && { conditions: d.conditions }),
      };
      decided.set(key, answer);
    }
    return answer;
  };
  const verdict = (m: ItemMatch) => mostRestrictive(check.purposes.map((p) => decide(m.item, p).decision));
  const overall = mostRestrictive(['allow', ...found.map(verdict)]);
  const reported = found.slice(0, LIMITS.maxPromptMatches);
  const matches = reported.map((m) => {
    const item = names.item(m.item);
    const decisions: Record<string, LeafAnswer> = {};
    for (const p of check.purposes) decisions[p] = decide(m.item, p);
    return {
      start: m.start,
      end: m.end,
      text: check.text.slice(m.startU16, m.endU16),
      name: m.entry.name,
      lang: m.entry.lang,
      item: { type: item.type, ids: item.ids },
      named_by: m.entry.records,
      ...(m.via !== undefined && { via: names.item(m.via).ids }),
      decision: verdict(m),
      decisions,
    };
  });
  return {
    answer: {
      at: check.at,
      purposes: check.purposes,
      decision: overall,
      matches,
      truncated: found.length > reported.length,
    },
    receiptItems: matches.flatMap((m) =>
      check.purposes.map((p) => ({
        ids: [...m.item.ids],
        purpose: p,
        decision: m.decisions[p]!.decision,
        records: m.decisions[p]!.records,
      })),
    ),
  };
}

export function generationRoutes(node: NodeContext) {
  return new Hono().post('/v1/prompt-checks', jsonBodyLimit, async (c) => {
    const names = node.generation;
    if (names === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'this node has no generation profile');
    const body = await readJson(c);
    const check = parsePromptCheck(body);
    const at = check.at ?? toTimestamp(node.now());
    const { answer, receiptItems } = promptCheckAnswer(node, names, { ...check, at });
    if (check.nonce === undefined) return c.json(answer, 200, { 'cache-control': 'no-store' });
    const { receipt: _receipt, ...query } = body as Record<string, unknown>;
    return issueReceipt(node, c, check.nonce, query, at, receiptItems, answer);
  });
}
