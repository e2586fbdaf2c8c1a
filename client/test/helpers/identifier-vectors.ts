/**
 * The spec files the identifier and name tests read: the identifier and name-folding vectors, the
 * requirement ids of spec/identifiers.md, and the check that an identifier is refused.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { InvalidIdentifierError, normalizeIdentifier } from '../../src/identifiers.ts';

export interface Vector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: string;
  result: 'valid' | 'invalid' | 'acceptable';
  output?: string;
}

interface VectorFile {
  algorithm: string;
  specVersion: string;
  source: string;
  numberOfTests: number;
  notes: Record<string, string>;
  tests: Vector[];
}

export const read = (path: string): string =>
  readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
export const identifierVectors = JSON.parse(read('spec/vectors/identifiers.json')) as VectorFile;
export const nameVectors = JSON.parse(read('spec/vectors/name-folding.json')) as VectorFile;
export const specRequirements = new Set(read('spec/identifiers.md').match(/REQ-ID-\d{3}/g));

export function expectInvalid(input: string): InvalidIdentifierError {
  let thrown: unknown;
  try {
    normalizeIdentifier(input);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidIdentifierError);
  const error = thrown as InvalidIdentifierError;
  expect(error.code).toBe('ERR_INVALID_IDENTIFIER');
  expect(error.reason).toMatch(/\S/);
  return error;
}
