/** The Wycheproof-like envelope of every vector file in spec/vectors. */
export interface VectorFile<T> {
  algorithm: string;
  specVersion: '0.1';
  source: string;
  notes?: Record<string, string>;
  numberOfTests: number;
  tests: T[];
}

export interface VectorBase {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
}

export function vectorFile<T extends Omit<VectorBase, 'tcId'>>(
  algorithm: string,
  source: string,
  tests: T[],
  notes?: Record<string, string>,
): VectorFile<T & { tcId: number }> {
  return {
    algorithm,
    specVersion: '0.1',
    source,
    ...(notes && { notes }),
    numberOfTests: tests.length,
    tests: tests.map((t, i) => ({ tcId: i + 1, ...t })),
  };
}
