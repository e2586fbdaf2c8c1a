/**
 * An independent verifier, written in Python from spec/ alone, must agree with every vector in
 * spec/vectors: the check that the specification is complete enough to implement elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../python-verifier/run_vectors.py', import.meta.url));

it('the Python verifier passes every spec vector', () => {
  const run = spawnSync('python3', [runner], { encoding: 'utf8', timeout: 120_000 });
  expect(run.error).toBeUndefined();
  expect(run.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  expect(run.status).toBe(0);
});
