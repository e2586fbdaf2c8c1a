/** spec/vectors, spec/schemas and spec/requirements.json must be what the code generates. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../scripts/lib/generated-files.ts';
import {
  extractRequirements,
  requirementsFile,
  SPEC_DIR,
  unmarkedMusts,
} from '../scripts/lib/requirements.ts';

describe('generated spec files', () => {
  it('vectors and schemas have not drifted (run `npm run vectors`)', async () => {
    for (const [path, content] of await generatedFiles()) {
      expect(readFileSync(path, 'utf8'), path).toBe(content);
    }
  });

  it('requirements.json is current (run `npm run requirements`)', () => {
    expect(readFileSync(`${SPEC_DIR}requirements.json`, 'utf8')).toBe(requirementsFile());
  });
});

describe('requirement ids', () => {
  const requirements = extractRequirements();

  it('are defined once each', () => {
    const ids = requirements.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('mark every MUST in the spec', () => {
    expect(unmarkedMusts().map((b) => `${b.document} § ${b.section}: ${b.text.slice(0, 80)}`)).toEqual([]);
  });

  it('use the areas listed in spec/README.md', () => {
    const readme = readFileSync(`${SPEC_DIR}README.md`, 'utf8');
    const areas = new Set([...readme.matchAll(/`REQ-([A-Z]+)`/g)].map((m) => m[1]));
    for (const r of requirements) expect(areas, r.id).toContain(r.id.split('-')[1]);
  });
});
