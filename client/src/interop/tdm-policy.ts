/**
 * A TDM Policy as TDMRep (Final CG Report, "TDM Policies") profiles ODRL 2.2: an `Offer` with the
 * context of ODRL and TDMRep, the profile `http://www.w3.org/ns/tdmrep`, one `assigner` described
 * with vCard, and `tdm:mine` permissions whose duties say how a licence is obtained.
 * spec/interop.md §5.1.
 */
import type { Conditions } from '../schemas/objects.ts';

export const TDMREP_PROFILE = 'http://www.w3.org/ns/tdmrep';

/** The rights holder offering the licence, as the vCard properties TDMRep allows. */
export interface TdmAssigner {
  uid: string;
  name?: string;
  email?: string;
  url?: string;
}

/**
 * The policy: `uid` where it is served, `target` the item's first identifier. Mining needs the
 * holder's consent (`obtainConsent`), and payment when the conditions ask for it (`compensate`).
 */
export function tdmPolicyFor(
  uid: string,
  target: string,
  assigner: TdmAssigner,
  conditions: Conditions | undefined,
): Record<string, unknown> {
  const compensation = conditions?.compensation;
  const duty: Array<Record<string, string>> = [{ action: 'obtainConsent' }];
  if (compensation !== undefined && compensation.model !== 'free') duty.push({ action: 'compensate' });
  const url = compensation?.url ?? assigner.url;
  return {
    '@context': ['http://www.w3.org/ns/odrl.jsonld', 'http://www.w3.org/ns/tdmrep.jsonld'],
    '@type': 'Offer',
    profile: TDMREP_PROFILE,
    uid,
    assigner: {
      uid: assigner.uid,
      ...(assigner.name !== undefined && { 'vcard:fn': assigner.name }),
      ...(assigner.email !== undefined && { 'vcard:hasEmail': `mailto:${assigner.email}` }),
      ...(url !== undefined && { 'vcard:hasURL': url }),
    },
    permission: [{ target, action: 'tdm:mine', duty }],
  };
}
