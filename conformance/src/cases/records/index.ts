/** Consent records and record revocations (http-api.md §3.2, §3.3; kyodaku.md §6.3). */
import type { Case } from '../../case.ts';
import { recordListingCases } from './listing.ts';
import { recordPublishingCases } from './publishing.ts';
import { recordRevocationCases } from './revocations.ts';
import { recordStatusCases } from './status.ts';

export const recordCases: Case[] = [
  ...recordPublishingCases,
  ...recordStatusCases,
  ...recordListingCases,
  ...recordRevocationCases,
];
