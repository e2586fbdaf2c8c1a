/** Runs cases against a target over HTTP and collects one result per case. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importSigner, type PrivateJwk, schemas } from '@kyodaku/client';
import { type Case, type CaseResult, KNOWN_PROFILES, type Profile } from './case.ts';
import { ALL_CASES } from './cases/index.ts';
import { Context, type SuiteState } from './context.ts';
import { expectJson } from './expect.ts';
import { Http } from './http.ts';
import { CaseFailure, CaseSkip } from './outcome.ts';

export const SUITE_VERSION = '0.1.0';
export const SPEC_VERSION = '0.1';

export interface RunOptions {
  target: string;
  /** The admin key as a private JWK; without it, cases that need it are SKIPPED. */
  adminKey?: PrivateJwk;
  /** Profiles to test; default: those the target lists that the suite knows. */
  profiles?: Profile[];
  /** Globs over case ids and requirement ids; a case runs when it matches any (or none given). */
  only?: string[];
  exclude?: string[];
  strict?: boolean;
  timeoutMs?: number;
  cases?: readonly Case[];
  onResult?: (result: CaseResult) => void;
}

export interface Report {
  suite: { name: string; version: string };
  spec_version: string;
  target: string;
  started_at: string;
  finished_at: string;
  profiles: string[];
  strict: boolean;
  summary: {
    passed: number;
    failed: number;
    skipped: number;
    warnings: number;
    not_applicable: number;
    total: number;
  };
  requirements: Record<
    string,
    { passed: number; failed: number; skipped: number; warnings: number; not_applicable: number }
  >;
  cases: CaseResult[];
}

export async function readAdminKey(path: string): Promise<PrivateJwk> {
  const jwk = JSON.parse(await readFile(path, 'utf8')) as PrivateJwk;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
    throw new Error(`${path}: not an Ed25519 private JWK`);
  }
  return jwk;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
}

function matches(c: Case, globs: string[]): boolean {
  const res = globs.map(globToRegExp);
  return [c.id, ...c.requirements].some((name) => res.some((re) => re.test(name)));
}

/** The cases selected by --only / --exclude (profile applicability is decided at run time). */
export function selectCases(cases: readonly Case[], only: string[] = [], exclude: string[] = []): Case[] {
  return cases.filter(
    (c) => (only.length === 0 || matches(c, only)) && !(exclude.length > 0 && matches(c, exclude)),
  );
}

export async function runSuite(options: RunOptions): Promise<Report> {
  const startedAt = new Date().toISOString();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const http = new Http(options.target, timeoutMs);
  const wellKnown = expectJson(
    await http.get('/.well-known/kyodaku'),
    200,
    schemas.WellKnown,
    'GET /.well-known/kyodaku',
  );
  const profiles = options.profiles ?? KNOWN_PROFILES.filter((p) => wellKnown.profiles.includes(p));
  const suite: SuiteState = {
    target: options.target,
    timeoutMs,
    wellKnown,
    admin:
      options.adminKey === undefined
        ? undefined
        : { ...(await importSigner(options.adminKey)), x: options.adminKey.x },
    runId: randomBytes(6).toString('hex'),
    counter: { n: 0 },
    shared: new Map(),
  };
  const results: CaseResult[] = [];
  for (const c of selectCases(options.cases ?? ALL_CASES, options.only, options.exclude)) {
    const result = await runCase(c, suite, profiles, options.strict ?? false);
    results.push(result);
    options.onResult?.(result);
  }
  return buildReport(options.target, startedAt, profiles, options.strict ?? false, results);
}

async function runCase(
  c: Case,
  suite: SuiteState,
  profiles: Profile[],
  strict: boolean,
): Promise<CaseResult> {
  const base = { id: c.id, title: c.title, requirements: c.requirements, level: c.level, profile: c.profile };
  if (!profiles.includes(c.profile)) {
    return {
      ...base,
      status: 'NOT_APPLICABLE',
      message: `profile ${c.profile} is not under test`,
      duration_ms: 0,
    };
  }
  const ctx = new Context(suite);
  const start = performance.now();
  const done = (status: CaseResult['status'], message: string): CaseResult => ({
    ...base,
    status,
    message,
    duration_ms: Math.round(performance.now() - start),
  });
  try {
    await c.run(ctx);
    return done('PASSED', '');
  } catch (error) {
    if (error instanceof CaseSkip) return done('SKIPPED', error.message);
    const reason = error instanceof CaseFailure ? error.message : `error: ${(error as Error).message}`;
    const message = `${reason}\n${ctx.http.transcript()}`;
    return done(c.level === 'SHOULD' && !strict ? 'WARNING' : 'FAILED', message);
  }
}

export function buildReport(
  target: string,
  startedAt: string,
  profiles: string[],
  strict: boolean,
  cases: CaseResult[],
): Report {
  const count = (status: CaseResult['status']) => cases.filter((c) => c.status === status).length;
  const requirements: Report['requirements'] = {};
  for (const c of cases) {
    for (const req of c.requirements) {
      requirements[req] ??= { passed: 0, failed: 0, skipped: 0, warnings: 0, not_applicable: 0 };
      const t = requirements[req];
      if (c.status === 'PASSED') t.passed += 1;
      else if (c.status === 'FAILED') t.failed += 1;
      else if (c.status === 'SKIPPED') t.skipped += 1;
      else if (c.status === 'WARNING') t.warnings += 1;
      else t.not_applicable += 1;
    }
  }
  const sorted = Object.fromEntries(Object.entries(requirements).sort(([a], [b]) => a.localeCompare(b)));
  return {
    suite: { name: '@kyodaku/conformance', version: SUITE_VERSION },
    spec_version: SPEC_VERSION,
    target,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    profiles,
    strict,
    summary: {
      passed: count('PASSED'),
      failed: count('FAILED'),
      skipped: count('SKIPPED'),
      warnings: count('WARNING'),
      not_applicable: count('NOT_APPLICABLE'),
      total: cases.length,
    },
    requirements: sorted,
    cases,
  };
}
