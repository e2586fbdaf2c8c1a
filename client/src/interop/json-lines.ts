/** Line numbers in a JSON text, for findings about the members of its top-level array. */
import { lineAt } from './findings.ts';

/**
 * The 1-based line where the `index`-th element of the top-level array starts, found by a scan that
 * tracks strings and nesting; undefined when the text has no such element.
 */
export function lineOfRule(text: string, index: number): number | undefined {
  let depth = 0;
  let inString = false;
  let element = -1;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (depth === 1 && (expectValue || c === ',')) {
      if (c === ',') {
        expectValue = true;
        continue;
      }
      if (c === ']') return undefined;
      element++;
      expectValue = false;
      if (element === index) return lineAt(text, i);
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1 && c === '[') expectValue = true;
    } else if (c === ']' || c === '}') depth--;
  }
  return undefined;
}
