/**
 * Paths to the project's own vectors (spec/vectors) and to the published vectors copied into the
 * project with their sources and licences (spec/vectors/published, see its README).
 */
import { readFileSync } from 'node:fs';

export const SPEC_VECTORS = new URL('../../../spec/vectors/', import.meta.url);
export const PUBLISHED_VECTORS = new URL('../../../spec/vectors/published/', import.meta.url);

export function readJson<T = unknown>(base: URL, path: string): T {
  return JSON.parse(readFileSync(new URL(path, base), 'utf8')) as T;
}
