/** Paths to the project's own vectors (spec/vectors) and the published ones beside the project (../shared/vectors). */
import { readFileSync } from 'node:fs';

export const SPEC_VECTORS = new URL('../../../spec/vectors/', import.meta.url);
export const SHARED_VECTORS = new URL('../../../../shared/vectors/', import.meta.url);

export function readJson<T = unknown>(base: URL, path: string): T {
  return JSON.parse(readFileSync(new URL(path, base), 'utf8')) as T;
}
