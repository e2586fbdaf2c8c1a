/**
 * JSON text from a site or a file (tdmrep.json, CAWG assertions), bounded before it is parsed, as
 * every JSON text is (json-limits.ts): nothing recursive sees unbounded input.
 */
import { KyodakuError } from '../errors.ts';
import { checkJsonLimits, type JsonLimits } from '../json-limits.ts';
import type { Finding } from './findings.ts';

/** Generous for declarations: a site's tdmrep.json may list many rules. */
const FOREIGN_JSON_LIMITS: Readonly<JsonLimits> = { maxDepth: 16, maxMembers: 1000, maxElements: 10_000 };

/** The parsed value, or undefined with an error finding when the text is too complex or not JSON. */
export function parseForeignJson(text: string, what: string, errors: Finding[]): unknown {
  try {
    checkJsonLimits(text, FOREIGN_JSON_LIMITS, what);
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message =
      error instanceof KyodakuError ? error.message : `${what} is not JSON: ${(error as Error).message}`;
    errors.push({ message });
    return undefined;
  }
}
