/** Every case of the `federation` profile, in run order. */
import type { Case } from '../../case.ts';
import { federationDelegationCases } from './delegations.ts';
import { federationFeedCases } from './feed.ts';
import { federationFeedSignatureCases } from './feed-signatures.ts';
import { federationFollowCases } from './follow.ts';
import { federationFollowedPartyCases } from './followed-parties.ts';
import { federationForgedCases } from './forged.ts';
import { federationInconsistentCases } from './inconsistent.ts';
import { federationKeyCases } from './keys.ts';
import { federationMirrorCases } from './mirror.ts';
import { federationMirrorProofCases } from './mirror-proofs.ts';
import { federationPeerAdminCases } from './peer-admin.ts';
import { federationPollIntervalCases, federationPollingCases } from './polling.ts';

export const federationCases: readonly Case[] = [
  ...federationFeedCases,
  ...federationFollowCases,
  ...federationMirrorCases,
  ...federationMirrorProofCases,
  // Where it stood among the mirror cases, so that the suite keeps its order.
  ...federationPollIntervalCases,
  ...federationForgedCases,
  ...federationKeyCases,
  ...federationDelegationCases,
  ...federationFollowedPartyCases,
  ...federationFeedSignatureCases,
  ...federationInconsistentCases,
  ...federationPeerAdminCases,
  ...federationPollingCases,
];
