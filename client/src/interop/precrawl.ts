/**
 * The pre-crawl check (spec/interop.md §11): for a URL, the site's robots.txt, the resource's header
 * fields and HTML meta elements, and the site's tdmrep.json, combined with the registry's signed
 * decision per leaf. The strictest wins; an unsigned signal never allows (REQ-INTEROP-003, REQ-INTEROP-080).
 */
import { KyodakuError } from '../errors.ts';
import { normalizeIdentifier } from '../identifiers.ts';
import type { KyodakuNode } from '../node-client.ts';
import { type Permission, PURPOSE_LEAVES, type PurposeLeaf } from '../purposes.ts';
import { readPreference } from './aipref.ts';
import { combine, type LeafVerdict, type UnsignedSignal } from './combine.ts';
import { formatFinding } from './findings.ts';
import { groupsFor, mayCrawl, parseRobots, pathMatches, ROBOTS_MAX_BYTES, usageFor } from './robots.ts';
import { readTdmHtmlMeta } from './tdm-meta.ts';
import { permissionsOfTdm, readTdmHeaders, readTdmrepJson, tdmRuleFor } from './tdmrep.ts';

export interface PrecrawlOptions {
  /** The registry node asked for the signed decision. */
  node: KyodakuNode;
  /** The crawler's product token, matched against robots.txt User-Agent lines (default `*`). */
  productToken?: string;
  /** The fetch for the site (default: the global fetch). */
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Decide for this time instead of now. */
  at?: string;
}

export interface PrecrawlReport {
  url: string;
  /** The url identifier the registry was asked about. */
  id: string;
  /** Whether robots.txt lets the crawler fetch the URL, and why. */
  crawl: { allowed: boolean; why: string };
  leaves: Record<PurposeLeaf, LeafVerdict>;
  /** The unsigned signals read, as combined. */
  signals: UnsignedSignal[];
  /** What could not be read (malformed signals, unreachable files): each is left out. */
  problems: string[];
}

interface Fetched {
  status: number;
  headers: Headers;
  text: string;
}

/** An HTML page, whose head may hold TDMRep meta elements. */
const isHtml = (headers: Headers) =>
  /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(headers.get('content-type') ?? '');

/** A GET whose body is read (bounded) only when `wanted` says so for its header fields. */
async function get(
  doFetch: typeof fetch,
  url: string,
  timeoutMs: number,
  userAgent: string,
  wanted: (headers: Headers) => boolean = () => true,
): Promise<Fetched> {
  const response = await doFetch(url, {
    redirect: 'follow',
    headers: { 'user-agent': userAgent },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!wanted(response.headers)) {
    await response.body?.cancel();
    return { status: response.status, headers: response.headers, text: '' };
  }
  const text = await boundedText(response, ROBOTS_MAX_BYTES);
  return { status: response.status, headers: response.headers, text };
}

/** At most `max` bytes of a body, as UTF-8 text: a hostile site cannot make us hold more. */
async function boundedText(response: Response, max: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel();
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

/** The signed decision per leaf, from the node's answer for the group `all`. */
async function registryLeaves(node: KyodakuNode, id: string, at: string | undefined) {
  const decision = await node.decide({ ids: [id], purpose: 'all', ...(at !== undefined && { at }) });
  const leaves = {} as Record<PurposeLeaf, { decision: Permission; reasons: string[] }>;
  for (const leaf of PURPOSE_LEAVES) {
    const answer = decision.leaves?.[leaf];
    leaves[leaf] =
      answer === undefined
        ? { decision: 'deny', reasons: ['no-record'] }
        : { decision: answer.decision, reasons: answer.reasons };
  }
  return leaves;
}

/** The pre-crawl check of one URL. */
export async function precrawl(url: string, options: PrecrawlOptions): Promise<PrecrawlReport> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new KyodakuError('ERR_INVALID_REQUEST', `not a URL: ${url}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new KyodakuError('ERR_INVALID_REQUEST', `precrawl checks http and https URLs: ${url}`);
  const id = normalizeIdentifier(`url:${target.href}`);
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const token = options.productToken ?? '*';
  const userAgent = token === '*' ? 'kyodaku-precrawl/0.1' : token;
  const path = `${target.pathname}${target.search}`;
  const signals: UnsignedSignal[] = [];
  const problems: string[] = [];
  const registry = registryLeaves(options.node, id, options.at);
  // Awaited at the end; handled now so that a failure meanwhile is not an unhandled rejection.
  registry.catch(() => {});

  // robots.txt (RFC 9309 §2.3.1): 4xx allows everything; 5xx or unreachable disallows everything.
  let crawl: PrecrawlReport['crawl'];
  const robotsUrl = new URL('/robots.txt', target).href;
  try {
    const robots = await get(doFetch, robotsUrl, timeoutMs, userAgent);
    if (robots.status >= 500)
      crawl = {
        allowed: false,
        why: `robots.txt answered ${robots.status}: complete disallow (RFC 9309 §2.3.1.4)`,
      };
    else if (robots.status >= 400)
      crawl = { allowed: true, why: `robots.txt answered ${robots.status}: no rules` };
    else {
      const parsed = parseRobots(robots.text);
      for (const f of parsed.errors) problems.push(`robots.txt ${formatFinding(f)}`);
      const groups = groupsFor(parsed.value, token);
      const verdict = mayCrawl(groups, path);
      crawl = {
        allowed: verdict.allowed,
        why:
          verdict.rule === undefined
            ? 'no robots.txt rule matches'
            : `robots.txt line ${verdict.rule.line}: ${verdict.allowed ? 'Allow' : 'Disallow'}: ${verdict.rule.path}`,
      };
      for (const rule of usageFor(groups, path)) {
        const preference = readPreference(rule.value, rule.line);
        for (const f of preference.errors) problems.push(`robots.txt ${formatFinding(f)}`);
        signals.push({
          source: `robots.txt line ${rule.line}`,
          said: `Content-Usage: ${rule.path} ${rule.value}`,
          permissions: preference.value,
        });
      }
    }
  } catch (error) {
    crawl = {
      allowed: false,
      why: `robots.txt unreachable (${(error as Error).message}): complete disallow (RFC 9309 §2.3.1.4)`,
    };
  }

  // The resource itself, only when it may be fetched: its header fields and, for an HTML page, the
  // TDMRep meta elements of its head; each overrides what comes before it (TDMRep §3.5: tdmrep.json,
  // then the header fields, then the page's metadata).
  let tdmFromResource = false;
  if (crawl.allowed) {
    try {
      const resource = await get(doFetch, target.href, timeoutMs, userAgent, isHtml);
      const usage = resource.headers.get('content-usage');
      if (usage !== null) {
        const preference = readPreference(usage);
        for (const f of preference.errors) problems.push(`Content-Usage header: ${f.message}`);
        signals.push({ source: 'Content-Usage header', said: usage, permissions: preference.value });
      }
      const tdm = readTdmHeaders(resource.headers.get('tdm-reservation'), resource.headers.get('tdm-policy'));
      for (const f of tdm.errors) problems.push(`tdm-reservation header: ${f.message}`);
      let declared: UnsignedSignal | undefined =
        tdm.value === undefined
          ? undefined
          : {
              source: 'tdm-reservation header',
              said: `tdm-reservation: ${tdm.value.reservation}`,
              permissions: permissionsOfTdm(tdm.value),
            };
      if (isHtml(resource.headers)) {
        const meta = readTdmHtmlMeta(resource.text);
        for (const f of meta.errors) problems.push(`HTML meta ${formatFinding(f)}`);
        if (meta.value !== undefined)
          declared = {
            source: 'HTML meta tdm-reservation',
            said: `<meta name="tdm-reservation" content="${meta.value.reservation}">`,
            permissions: permissionsOfTdm(meta.value),
          };
      }
      if (declared !== undefined) {
        tdmFromResource = true;
        signals.push(declared);
      }
    } catch (error) {
      problems.push(`${target.href} unreachable: ${(error as Error).message}`);
    }
  }

  if (!tdmFromResource) {
    const tdmrepUrl = new URL('/.well-known/tdmrep.json', target).href;
    try {
      const file = await get(doFetch, tdmrepUrl, timeoutMs, userAgent);
      if (file.status === 200) {
        const parsed = readTdmrepJson(file.text);
        for (const f of parsed.errors) problems.push(`tdmrep.json ${formatFinding(f)}`);
        const rule = tdmRuleFor(parsed.value, path, pathMatches);
        if (rule !== undefined)
          signals.push({
            source: `tdmrep.json line ${rule.line ?? '?'}`,
            said: `${rule.location} tdm-reservation: ${rule.reservation}`,
            permissions: permissionsOfTdm(rule),
          });
      }
    } catch (error) {
      problems.push(`tdmrep.json unreachable: ${(error as Error).message}`);
    }
  }

  return { url: target.href, id, crawl, leaves: combine(await registry, signals), signals, problems };
}
