/**
 * Between Kyodaku `url:` identifiers and the path patterns of robots.txt, TDMRep and RSL
 * (spec/interop.md §3.3): an exact URL is its path with `$`, a prefix pattern `url:…*` its path prefix.
 */
import { isUrlPrefixPattern, tryNormalizeIdentifier } from '../identifiers.ts';

/** The site origin and path pattern of a url identifier, or undefined for another scheme. */
export function pathPatternOf(id: string): { origin: string; path: string } | undefined {
  if (!id.startsWith('url:')) return undefined;
  const prefix = isUrlPrefixPattern(id);
  const url = new URL(prefix ? id.slice(4, -1) : id.slice(4));
  const path = `${url.pathname}${url.search}`;
  return { origin: url.origin, path: prefix ? path : `${path}$` };
}

/**
 * The url identifier a path pattern names on a site: `/a/` and `/a/*` give the prefix pattern
 * `url:https://site/a/*`, `/a/b$` the exact URL. A `*` inside the path or a `$` elsewhere than at the
 * end cannot be a Kyodaku identifier: undefined.
 */
export function identifierOfPattern(site: string, pattern: string): string | undefined {
  if (!pattern.startsWith('/')) return undefined;
  const exact = pattern.endsWith('$');
  let path = exact ? pattern.slice(0, -1) : pattern;
  if (!exact && path.endsWith('*')) path = path.slice(0, -1);
  if (path.includes('*') || path.includes('$')) return undefined;
  let url: URL;
  try {
    url = new URL(path, site);
  } catch {
    return undefined;
  }
  return tryNormalizeIdentifier(exact ? `url:${url.href}` : `url:${url.href}*`);
}
