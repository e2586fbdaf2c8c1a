/**
 * Hostile JWS on the record endpoint (spec/kyodaku.md §5, http-api.md REQ-API-011): every one must be
 * refused with the problem type of the verification order, and nothing may be stored. Signature,
 * header, typ and key mutations run on every route that takes a signed object (signed-objects/);
 * these are the encoding checks (encoding.ts) and the payload and size checks (payload.ts), which do
 * not depend on the kind; fixture.ts holds what they share.
 */
import type { Case } from '../../case.ts';
import { sigEncodingCases } from './encoding.ts';
import { sigPayloadCases } from './payload.ts';

export const sigCases: Case[] = [...sigEncodingCases, ...sigPayloadCases];
