/** Shared building blocks of every Kyodaku schema (one schema library: zod). */
import { z } from 'zod';
import { foldName, tryNormalizeIdentifier } from '../identifiers.ts';
import { LANGUAGE_TAG_PATTERN } from '../language-tag.ts';
import { PERMISSION_VALUES, PURPOSES } from '../purposes.ts';

/** RFC 3339 UTC timestamp with whole seconds: exactly one encoding per instant. */
export const Timestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
    'timestamp must be RFC 3339 UTC, whole seconds, e.g. 2026-01-01T00:00:00Z',
  )
  .refine((s) => {
    const ms = Date.parse(s);
    return (
      Number.isFinite(ms) && !s.startsWith('0000') && new Date(ms).toISOString().replace('.000Z', 'Z') === s
    );
  }, 'timestamp is not a real instant')
  .meta({ id: 'Timestamp' });

/** SHA-256 of a compact JWS's ASCII bytes, lowercase hex. */
export const ObjectId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'object id must be 64 lowercase hex digits')
  .meta({ id: 'ObjectId' });

/** RFC 7638 JWK thumbprint (SHA-256, base64url without padding). Also a party id. */
export const KeyId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'key id must be an RFC 7638 SHA-256 thumbprint (43 base64url characters)')
  .meta({ id: 'KeyId' });

/** A work identifier `scheme:value`, already in its normalized form (spec/identifiers.md). */
export const WorkIdentifier = z
  .string()
  .min(3)
  .max(2048)
  .refine((s) => tryNormalizeIdentifier(s) === s, 'identifier is invalid or not in normalized form')
  .meta({ id: 'WorkIdentifier' });

export const Purpose = z.enum(PURPOSES as [string, ...string[]]).meta({ id: 'Purpose' });
export const Permission = z.enum(PERMISSION_VALUES).meta({ id: 'Permission' });

/**
 * A well-formed BCP 47 language tag (RFC 5646), as used for titles and names (`ja`, `en`,
 * `ja-Latn`, `zh-Hant`): spec/identifiers.md REQ-ID-032, language-tag.ts.
 */
const LanguageTag = z
  .string()
  .regex(new RegExp(LANGUAGE_TAG_PATTERN), 'not a well-formed BCP 47 language tag (RFC 5646)');

/** A name or title: it must not fold to the empty string (spec/identifiers.md REQ-ID-034). */
const Name = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => foldName(s) !== '', 'a name must not be empty after folding (NFKC, white space)');

/** Text by language: `{ "ja": "ドラゴンボール", "en": "Dragon Ball" }`. */
export const LangText = z
  .record(LanguageTag, Name(500))
  .refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= 20, 'between 1 and 20 languages')
  .meta({ id: 'LangText' });

/** Several names per language (aliases). */
export const LangNames = z
  .record(LanguageTag, z.array(Name(200)).min(1).max(50))
  .refine((m) => Object.keys(m).length <= 20, 'at most 20 languages')
  .meta({ id: 'LangNames' });

export const Contact = z
  .strictObject({
    email: z.email().max(320).optional(),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .meta({ id: 'Contact' });

/** The public half of an Ed25519 key as a JWK (RFC 8037). */
export const PublicJwk = z
  .strictObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'x must be 32 bytes, base64url'),
  })
  .meta({ id: 'PublicJwk' });

export const Role = z.enum(['rights-holder', 'performer', 'agency', 'ai-developer']).meta({ id: 'Role' });
