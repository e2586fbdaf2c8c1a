/**
 * The objects of spec/usage.md: usage declarations by AI developers and services, the labels a node
 * issues for them and their revocations, and the node's signed per-holder usage reports.
 */
import { z } from 'zod';
import { EntryRef } from './messages.ts';
import { LogOrigin, TreeHead } from './objects.ts';
import { KeyId, ObjectId, Purpose, Timestamp, WorkIdentifier } from './primitives.ts';

/** Most items inline in one declaration; more go in a manifest (spec/usage.md §3.2). */
export const MAX_INLINE_ITEMS = 250;
/** Most items of one manifest. */
export const MAX_MANIFEST_ITEMS = 200_000;

const unique = (values: readonly string[]) => new Set(values).size === values.length;

/** A decimal amount as a string, as in Compensation (kyodaku.md §7.3). */
export const DecimalAmount = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})(\.[0-9]{1,8})?$/, 'decimal amount as a string, e.g. "1200" or "0.5"')
  .meta({ id: 'DecimalAmount' });

/** The model or service a declaration is about. */
export const UsageSubject = z
  .strictObject({
    type: z.enum(['model', 'service']),
    name: z.string().min(1).max(200),
    version: z.string().min(1).max(100),
  })
  .meta({ id: 'UsageSubject' });

/** One item used: its identifiers, the purpose, and the records (and receipts) that allowed it. */
export const UsageItem = z
  .strictObject({
    ids: z.array(WorkIdentifier).min(1).max(10).refine(unique, 'identifiers must be unique'),
    purpose: Purpose,
    records: z.array(ObjectId).min(1).max(10).refine(unique, 'records must be unique'),
    receipts: z.array(ObjectId).min(1).max(10).refine(unique, 'receipts must be unique').optional(),
    /**
     * The origin of the log each cited record the node follows comes from, by record id (spec/usage.md
     * §4, REQ-USAGE-025); records of the node's own log need none.
     */
    origins: z.record(ObjectId, LogOrigin).optional(),
    /** How many times the item was used in the period (per-use compensation); absent: once. */
    uses: z.number().int().min(1).max(1_000_000_000_000).optional(),
  })
  .refine((item) => Object.keys(item.origins ?? {}).every((id) => item.records.includes(id)), {
    message: 'origins names only cited records',
    path: ['origins'],
  })
  .meta({ id: 'UsageItem', title: 'An item of a usage declaration' });

/** A large declaration's items by reference: the SHA-256 of the manifest's bytes and its line count. */
export const UsageManifestRef = z
  .strictObject({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits'),
    count: z.number().int().min(1).max(MAX_MANIFEST_ITEMS),
  })
  .meta({ id: 'UsageManifestRef' });

export const UsageDeclaration = z
  .strictObject({
    kind: z.literal('usage-declaration'),
    v: z.literal(1),
    iss: KeyId,
    subject: UsageSubject,
    period: z.strictObject({ from: Timestamp, until: Timestamp }),
    items: z.array(UsageItem).min(1).max(MAX_INLINE_ITEMS).optional(),
    manifest: UsageManifestRef.optional(),
    /** The subject's revenue in the period, for revenue-share compensation. */
    revenue: z
      .strictObject({ amount: DecimalAmount, currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217') })
      .optional(),
    issued_at: Timestamp,
  })
  .refine((d) => d.period.until > d.period.from, {
    message: 'period.until must be after period.from',
    path: ['period', 'until'],
  })
  .refine((d) => (d.items === undefined) !== (d.manifest === undefined), {
    message: 'a declaration has either items or a manifest',
    path: ['items'],
  })
  .meta({ id: 'UsageDeclaration', title: 'Usage declaration by an AI developer or service' });

/** A label: the node's signed statement that a declaration cited only allowing records in force. */
export const Label = z
  .strictObject({
    kind: z.literal('label'),
    v: z.literal(1),
    node: KeyId,
    /** The certificate number: the label's index in the node's log, in decimal. */
    number: z.string().regex(/^(0|[1-9][0-9]{0,14})$/, 'number: a log index in decimal'),
    declaration: ObjectId,
    declarant: KeyId,
    subject: UsageSubject,
    scope: z.strictObject({
      purposes: z.array(Purpose).min(1).max(32).refine(unique, 'purposes must be unique'),
      items: z.number().int().min(1).max(MAX_MANIFEST_ITEMS),
      records: z
        .number()
        .int()
        .min(1)
        .max(MAX_MANIFEST_ITEMS * 10),
      /** The distinct origins of the followed records cited, sorted; absent when all are the node's own. */
      origins: z.array(LogOrigin).min(1).max(1000).refine(unique, 'origins must be unique').optional(),
    }),
    valid_from: Timestamp,
    valid_until: Timestamp,
    issued_at: Timestamp,
  })
  .refine((l) => l.valid_until > l.valid_from, {
    message: 'valid_until must be after valid_from',
    path: ['valid_until'],
  })
  .meta({ id: 'Label', title: 'Label for a usage declaration, signed by a node' });

/** The node's revocation of a label, made when a record the declaration cites stops allowing. */
export const LabelRevocation = z
  .strictObject({
    kind: z.literal('label-revocation'),
    v: z.literal(1),
    node: KeyId,
    label: ObjectId,
    number: z.string().regex(/^(0|[1-9][0-9]{0,14})$/),
    /** The cited record that stopped allowing. */
    record: ObjectId,
    /**
     * Why it stopped (spec/usage.md REQ-USAGE-022, REQ-USAGE-024): `withdrawn` (revoked or
     * superseded), `unattested` (its issuer's attestation was revoked), `compromised` (signed with a
     * key its issuer declared compromised). Absent in revocations made before 0.1 named it.
     */
    reason: z.enum(['withdrawn', 'unattested', 'compromised']).optional(),
    issued_at: Timestamp,
  })
  .meta({ id: 'LabelRevocation', title: 'Revocation of a label by the node that issued it' });

/** An amount of money due, in one currency. */
export const AmountDue = z
  .strictObject({ currency: z.string().regex(/^[A-Z]{3}$/), amount: DecimalAmount })
  .meta({ id: 'AmountDue' });

/** One line of a usage report: the uses of one declaration for one purpose. */
export const UsageReportLine = z
  .strictObject({
    declaration: ObjectId,
    declarant: KeyId,
    subject: UsageSubject,
    period: z.strictObject({ from: Timestamp, until: Timestamp }),
    purpose: Purpose,
    items: z.number().int().min(0),
    uses: z.number().int().min(0),
    due: z.array(AmountDue).max(32),
    /** Items whose terms name an amount the report cannot compute (revenue share without revenue). */
    unpriced: z.number().int().min(0),
  })
  .meta({ id: 'UsageReportLine' });

/** A holder's usage report, signed by the node (spec/usage.md §6). */
export const UsageReport = z
  .strictObject({
    kind: z.literal('usage-report'),
    v: z.literal(1),
    node: KeyId,
    holder: KeyId,
    issued_at: Timestamp,
    evaluated_at: TreeHead,
    declarations: z.number().int().min(0),
    items: z.number().int().min(0),
    lines: z.array(UsageReportLine).max(100),
    /** Per purpose over every declaration: items, uses and the amounts due. */
    purposes: z
      .array(
        z.strictObject({
          purpose: Purpose,
          items: z.number().int().min(0),
          uses: z.number().int().min(0),
          due: z.array(AmountDue).max(32),
          unpriced: z.number().int().min(0),
        }),
      )
      .max(16),
    totals: z.array(AmountDue).max(32),
  })
  .meta({ id: 'UsageReport', title: 'Usage report for a rights holder, signed by a node' });

export type UsageSubject = z.infer<typeof UsageSubject>;
export type UsageItem = z.infer<typeof UsageItem>;
export type UsageDeclaration = z.infer<typeof UsageDeclaration>;
export type Label = z.infer<typeof Label>;
export type LabelRevocation = z.infer<typeof LabelRevocation>;
export type UsageReport = z.infer<typeof UsageReport>;
export type UsageReportLine = z.infer<typeof UsageReportLine>;

const Stored = { id: ObjectId, jws: z.string(), received_at: Timestamp, log: EntryRef };

export const LabelStatus = z.enum(['valid', 'expired', 'revoked']).meta({ id: 'LabelStatus' });

/** `GET /v1/labels/{number}` (spec/usage.md §5). */
export const LabelView = z
  .looseObject({
    ...Stored,
    number: z.string(),
    label: Label,
    status: LabelStatus,
    revoked_at: Timestamp.optional(),
    /** The label revocation (a compact JWS signed by the node), when revoked. */
    revocation: z.string().optional(),
  })
  .meta({ id: 'LabelView' });

/** `GET /v1/usage/{id}`: a declaration with its label. */
export const DeclarationView = z
  .looseObject({
    ...Stored,
    declaration: UsageDeclaration,
    label: z.string().nullable(),
  })
  .meta({ id: 'DeclarationView' });

/** One use of one item under one record, as the holder queries list them. */
export const UsageUse = z
  .strictObject({
    declaration: ObjectId,
    declarant: KeyId,
    subject: UsageSubject,
    period: z.strictObject({ from: Timestamp, until: Timestamp }),
    item: z.number().int().min(0),
    ids: z.array(z.string()),
    purpose: Purpose,
    record: ObjectId,
    holder: KeyId,
    uses: z.number().int().min(1),
    received_at: Timestamp,
  })
  .meta({ id: 'UsageUse' });

/** `GET /v1/usage?holder=…` or `?id=…`: uses, paged. */
export const UsageUseList = z
  .strictObject({ uses: z.array(UsageUse), next_cursor: z.string().nullable() })
  .meta({ id: 'UsageUseList' });

/** `GET /v1/usage?declarant=…`: declarations, paged. */
export const DeclarationList = z
  .strictObject({ declarations: z.array(DeclarationView), next_cursor: z.string().nullable() })
  .meta({ id: 'DeclarationList' });

/** `GET /v1/usage/report?holder=…`: the signed report and its payload. */
export const UsageReportResponse = z
  .strictObject({ jws: z.string(), report: UsageReport })
  .meta({ id: 'UsageReportResponse' });

/** `GET /v1/businesses`: the attested AI developers and services of a node. */
export const BusinessList = z
  .strictObject({
    businesses: z.array(
      z.strictObject({
        party_id: KeyId,
        names: z.record(z.string(), z.string()),
        attested_since: Timestamp,
        declarations: z.number().int().min(0),
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'BusinessList' });

export type LabelView = z.infer<typeof LabelView>;
export type DeclarationView = z.infer<typeof DeclarationView>;
export type UsageUse = z.infer<typeof UsageUse>;
export type UsageUseList = z.infer<typeof UsageUseList>;
export type DeclarationList = z.infer<typeof DeclarationList>;
export type UsageReportResponse = z.infer<typeof UsageReportResponse>;
export type BusinessList = z.infer<typeof BusinessList>;
