/** A conformance case: stable id, the requirement ids it checks, and the check itself. */
import type { Context } from './context.ts';

export type Level = 'MUST' | 'SHOULD';
export type Profile =
  | 'core'
  | 'log'
  | 'federation'
  | 'generation'
  | 'usage'
  | 'snapshot'
  | 'interop'
  | 'crawler-identity';
export const KNOWN_PROFILES: readonly Profile[] = [
  'core',
  'log',
  'federation',
  'generation',
  'usage',
  'snapshot',
  'interop',
  'crawler-identity',
];

export type Status = 'PASSED' | 'FAILED' | 'WARNING' | 'SKIPPED' | 'NOT_APPLICABLE';

export interface Case {
  /** Stable id, `<profile>-<area>-<what>`; never renamed. */
  id: string;
  requirements: readonly string[];
  /**
   * The requirement ids (a subset of `requirements`) that the case tests negatively: it sends what
   * the requirement says to refuse and fails unless the node refuses it (spec/conformance.md §7).
   * Its other requirements it tests positively.
   */
  refuses?: readonly string[];
  level: Level;
  profile: Profile;
  title: string;
  run(ctx: Context): Promise<void>;
}

export interface CaseResult {
  id: string;
  title: string;
  requirements: readonly string[];
  level: Level;
  profile: Profile;
  status: Status;
  message: string;
  duration_ms: number;
}

export function defineCases(cases: Case[]): Case[] {
  return cases;
}
