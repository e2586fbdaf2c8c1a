/** Every file the vector generator owns, path -> exact content. */
import { fileURLToPath } from 'node:url';
import { buildDecisionVectors } from './build-decision-vectors.ts';
import { buildObjectVectors, buildRejectionVectors } from './build-object-vectors.ts';
import { buildSchemas } from './build-schemas.ts';
import { buildSnapshotDeltaVectors } from './build-snapshot-delta-vectors.ts';
import { buildSnapshotVectors } from './build-snapshot-vectors.ts';
import { buildUsageVectors } from './build-usage-vectors.ts';
import { TEST_KEY_NAMES, type TestKey, type TestKeyName, testKeys } from './test-keys.ts';

const SPEC = fileURLToPath(new URL('../../', import.meta.url));
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function buildTestKeyFile(keys: Record<TestKeyName, TestKey>) {
  return {
    comment:
      'Fixed test keys of the Kyodaku vectors: seed = SHA-256("kyodaku test key " + name). Public on purpose: never use them for anything but tests.',
    keys: TEST_KEY_NAMES.map((name) => ({
      name,
      seed: keys[name].seedHex,
      kid: keys[name].kid,
      jwk: keys[name].jwk,
    })),
  };
}

export async function generatedFiles(): Promise<Map<string, string>> {
  const keys = await testKeys();
  const files = new Map<string, string>([
    [`${SPEC}vectors/test-keys.json`, json(buildTestKeyFile(keys))],
    [`${SPEC}vectors/objects.json`, json(await buildObjectVectors(keys))],
    [`${SPEC}vectors/jws-rejections.json`, json(await buildRejectionVectors(keys))],
    [`${SPEC}vectors/decisions.json`, json(buildDecisionVectors())],
    [`${SPEC}vectors/usage.json`, json(await buildUsageVectors(keys))],
    [`${SPEC}vectors/snapshot-filters.json`, json(buildSnapshotVectors())],
    [`${SPEC}vectors/snapshot-deltas.json`, json(buildSnapshotDeltaVectors())],
  ]);
  for (const [name, schema] of Object.entries(buildSchemas()))
    files.set(`${SPEC}schemas/${name}.json`, json(schema));
  return files;
}
