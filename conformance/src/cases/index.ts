/** Every case of the suite, in run order. */
import type { Case } from '../case.ts';
import { attestationCases } from './attestations.ts';
import { batchCases } from './batch.ts';
import { boundCases } from './bounds.ts';
import { corsCases } from './cors.ts';
import { crawlerIdentityCases } from './crawler-identity.ts';
import { decisionCases } from './decisions/index.ts';
import { delegationCases } from './delegations.ts';
import { errorCases } from './errors.ts';
import { federationCases } from './federation/index.ts';
import { generationCases } from './generation/index.ts';
import { hostileJsonCases } from './hostile-json.ts';
import { interopCases } from './interop.ts';
import { keyCases } from './keys.ts';
import { limitCases } from './limits.ts';
import { logCases } from './log/index.ts';
import { partyCases } from './parties.ts';
import { partySearchCases } from './party-search.ts';
import { publicationCases } from './publications.ts';
import { recordCases } from './records/index.ts';
import { requestSyntaxCases } from './request-syntax.ts';
import { sigCases } from './sig/index.ts';
import { signedObjectCases } from './signed-objects/index.ts';
import { snapshotCases } from './snapshot.ts';
import { usageCases } from './usage.ts';
import { wellKnownCases } from './well-known.ts';
import { workCases } from './works.ts';

export const ALL_CASES: readonly Case[] = [
  ...wellKnownCases,
  ...corsCases,
  ...partyCases,
  ...partySearchCases,
  ...attestationCases,
  ...recordCases,
  ...keyCases,
  ...delegationCases,
  ...publicationCases,
  ...sigCases,
  ...hostileJsonCases,
  ...signedObjectCases,
  ...workCases,
  ...decisionCases,
  ...batchCases,
  ...errorCases,
  ...requestSyntaxCases,
  ...logCases,
  ...boundCases,
  ...federationCases,
  ...generationCases,
  ...interopCases,
  ...usageCases,
  ...snapshotCases,
  ...crawlerIdentityCases,
  // Last: they may spend the suite's rate-limit budget (spec/conformance.md §4).
  ...limitCases,
];
