/** Every case of the `federation` profile, in run order. */
import type { Case } from '../../case.ts';
import { federationFeedCases } from './feed.ts';
import { federationFollowCases } from './follow.ts';
import { federationForgedCases } from './forged.ts';
import { federationInconsistentCases } from './inconsistent.ts';
import { federationMirrorCases } from './mirror.ts';

export const federationCases: readonly Case[] = [
  ...federationFeedCases,
  ...federationFollowCases,
  ...federationMirrorCases,
  ...federationForgedCases,
  ...federationInconsistentCases,
];
