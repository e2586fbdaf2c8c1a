/**
 * robots.txt (RFC 9309) as far as interop needs it: groups, Allow/Disallow with the longest match,
 * and the Content-Usage rule of draft-ietf-aipref-attach-05 §3 (`Content-Usage: [<path>] <preference>`).
 */
import type { Finding, Parsed } from './findings.ts';

/** RFC 9309 §2.5: crawlers parse at least 500 KiB; we read no more. */
export const ROBOTS_MAX_BYTES = 500 * 1024;

export interface PathRule {
  path: string;
  line: number;
}

/** A Content-Usage rule; its `path` is empty when the rule names none (it then matches every path). */
export interface UsageRule extends PathRule {
  /** The preference expression, still unparsed (aipref vocabulary, a structured field dictionary). */
  value: string;
}

export interface RobotsGroup {
  /** Product tokens, lowercase. */
  agents: string[];
  allow: PathRule[];
  disallow: PathRule[];
  usage: UsageRule[];
}

const LINE = /^\s*([A-Za-z-]+)\s*:\s*(.*?)\s*$/;

/** Splits robots.txt into groups (RFC 9309 §2.1); lines it does not know are skipped, as crawlers do. */
export function parseRobots(text: string): Parsed<RobotsGroup[]> {
  const groups: RobotsGroup[] = [];
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  let current: RobotsGroup | undefined;
  let inAgents = false;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const content = lines[i]!.replace(/#.*$/, '');
    if (content.trim() === '') continue;
    const match = LINE.exec(content);
    if (match === null) {
      warnings.push({ line, message: `not a robots.txt rule, skipped: ${JSON.stringify(content.trim())}` });
      continue;
    }
    const key = match[1]!.toLowerCase();
    const value = match[2]!;
    if (key === 'user-agent') {
      if (!inAgents || current === undefined) {
        current = { agents: [], allow: [], disallow: [], usage: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      inAgents = true;
      continue;
    }
    inAgents = false;
    if (key !== 'allow' && key !== 'disallow' && key !== 'content-usage') continue;
    if (current === undefined) {
      warnings.push({ line, message: `${match[1]} outside any User-Agent group, skipped` });
      continue;
    }
    if (key === 'content-usage') {
      // attach-05 §3.2: a value starting with "/" has a path, then SP or HTAB, then the preference;
      // any other value is the preference alone, with an absent (empty) path.
      const usage = value.startsWith('/') ? /^(\/\S*)[ \t]+(\S.*)$/.exec(value) : ['', '', value];
      if (usage === null || usage[2] === '') {
        errors.push({
          line,
          message: 'Content-Usage needs a preference, e.g. "/ train-ai=n" or "train-ai=n"',
        });
        continue;
      }
      current.usage.push({ path: usage[1]!, value: usage[2]!, line });
    } else if (value !== '') {
      current[key].push({ path: value, line });
    }
  }
  return { value: groups, errors, warnings };
}

/** The groups that apply to a crawler (RFC 9309 §2.2.1): those naming its product token, else `*`. */
export function groupsFor(groups: readonly RobotsGroup[], productToken: string): RobotsGroup[] {
  const token = productToken.toLowerCase();
  const named = groups.filter((g) => g.agents.includes(token));
  return named.length > 0 ? named : groups.filter((g) => g.agents.includes('*'));
}

function patternToRegExp(pattern: string): RegExp {
  const anchored = pattern.endsWith('$');
  const body = (anchored ? pattern.slice(0, -1) : pattern)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}${anchored ? '$' : ''}`);
}

/** Whether a robots.txt path pattern (with `*` and a final `$`) matches a path (RFC 9309 §2.2.3). */
export function pathMatches(pattern: string, path: string): boolean {
  return patternToRegExp(pattern).test(path);
}

/** Whether the crawler may fetch the path: the longest matching rule wins, Allow on a tie (RFC 9309 §2.2.2). */
export function mayCrawl(
  groups: readonly RobotsGroup[],
  path: string,
): { allowed: boolean; rule?: PathRule } {
  let best: { allowed: boolean; rule?: PathRule } = { allowed: true };
  let bestLength = -1;
  for (const group of groups) {
    for (const [allowed, rules] of [
      [true, group.allow],
      [false, group.disallow],
    ] as const) {
      for (const rule of rules) {
        if (!pathMatches(rule.path, path)) continue;
        const length = rule.path.length;
        if (length > bestLength || (length === bestLength && allowed)) {
          best = { allowed, rule };
          bestLength = length;
        }
      }
    }
  }
  return best;
}

/**
 * The Content-Usage rules that apply to a path (draft-ietf-aipref-attach-05 §3.1): those of the longest
 * matching path; several with that same path all apply, to be combined restrictively.
 */
export function usageFor(groups: readonly RobotsGroup[], path: string): UsageRule[] {
  let best: UsageRule[] = [];
  let bestLength = -1;
  for (const group of groups) {
    for (const rule of group.usage) {
      if (!pathMatches(rule.path, path)) continue;
      if (rule.path.length > bestLength) {
        best = [rule];
        bestLength = rule.path.length;
      } else if (rule.path.length === bestLength) best.push(rule);
    }
  }
  return best;
}
