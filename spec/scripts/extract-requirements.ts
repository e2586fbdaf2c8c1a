/** Writes spec/requirements.json from the requirement ids in spec/*.md. */
import { writeFile } from 'node:fs/promises';
import { extractRequirements, requirementsFile, SPEC_DIR } from './lib/requirements.ts';

await writeFile(`${SPEC_DIR}requirements.json`, requirementsFile());
console.log(`wrote ${SPEC_DIR}requirements.json (${extractRequirements().length} requirements)`);
