/**
 * RSL 1.0 (Really Simple Licensing, rslstandard.org/rsl): `license.xml` with `<content url>`, its
 * `<license>` elements, `<permits>`/`<prohibits type="usage|user|geo">` and `<payment>`.
 * spec/interop.md §7. XML is read and written by fast-xml-parser; nothing here parses XML by hand.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Permission, PurposeLeaf } from '../purposes.ts';
import type { Conditions } from '../schemas/objects.ts';
import { type Finding, lineAt, type Parsed } from './findings.ts';
import { assign, collapse, type LeafPermissions, RSL_EXPORT_TOKENS, RSL_TERMS } from './vocabulary.ts';

export const RSL_NAMESPACE = 'https://rslstandard.org/rsl';
/** The most bytes of a license.xml read (a guard against hostile input). */
export const RSL_MAX_BYTES = 512 * 1024;

type RslToken = keyof typeof RSL_TERMS;

/** One `<content>` read: its url pattern and what its licenses say per leaf. */
export interface RslContent {
  url: string;
  line: number;
  permissions: LeafPermissions;
  conditions?: Conditions;
}

const PAYMENT_MODELS: Record<string, NonNullable<Conditions['compensation']>['model']> = {
  purchase: 'flat-fee',
  subscription: 'flat-fee',
  contribution: 'flat-fee',
  training: 'per-use',
  crawl: 'per-use',
  use: 'per-use',
};
const COMPENSATION_PAYMENT: Record<string, string> = {
  'flat-fee': 'purchase',
  'per-use': 'use',
  'revenue-share': 'contribution',
};

type Node = Record<string | symbol, unknown>;
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
const ARRAYS = new Set([
  'content',
  'license',
  'permits',
  'prohibits',
  'payment',
  'amount',
  'custom',
  'standard',
]);

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    removeNSPrefix: false,
    processEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    captureMetaData: true,
    isArray: (name) => ARRAYS.has(name),
  });
}

function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node !== null && typeof node === 'object') return String((node as Node)['#text'] ?? '');
  return '';
}

function tokens(node: unknown): string[] {
  return text(node)
    .split(/\s+/)
    .filter((t) => t !== '');
}

function list(value: unknown): Node[] {
  return Array.isArray(value) ? (value as Node[]) : [];
}

function lineOf(source: string, node: Node): number {
  const meta = node[META] as { startIndex?: number } | undefined;
  return meta?.startIndex === undefined ? 1 : lineAt(source, meta.startIndex);
}

/** The conditions a license's payment and geo permits set, or undefined when it is free. */
function licenseConditions(license: Node, line: number, warnings: Finding[]): Conditions | undefined {
  const conditions: Conditions = {};
  for (const payment of list(license.payment)) {
    const type = String(payment['@type'] ?? 'free');
    if (type === 'free') continue;
    if (type === 'attribution') {
      conditions.attribution = { required: true };
      continue;
    }
    const model = PAYMENT_MODELS[type];
    if (model === undefined) {
      warnings.push({ line, message: `payment type "${type}" is not one of RSL 1.0; read as a flat fee` });
    }
    const compensation: NonNullable<Conditions['compensation']> = { model: model ?? 'flat-fee' };
    const amount = list(payment.amount)[0];
    const value = amount === undefined ? '' : text(amount).trim();
    const currency = amount === undefined ? '' : String(amount['@currency'] ?? '');
    if (/^(0|[1-9][0-9]{0,15})(\.[0-9]{1,8})?$/.test(value) && /^[A-Z]{3}$/.test(currency)) {
      compensation.amount = value;
      compensation.currency = currency;
    } else if (amount !== undefined) {
      warnings.push({
        line,
        message: 'an <amount> without a decimal value and an ISO 4217 currency is left out',
      });
    }
    const url = text(list(payment.custom)[0] ?? list(payment.standard)[0]).trim();
    if (/^https?:\/\//.test(url)) compensation.url = url;
    conditions.compensation = compensation;
  }
  for (const permit of list(license.permits)) {
    if (permit['@type'] !== 'geo') continue;
    const codes = tokens(permit).map((c) => c.toUpperCase());
    if (codes.every((c) => /^[A-Z]{2}$/.test(c)) && codes.length > 0) conditions.territory = codes;
    else
      warnings.push({
        line,
        message: 'a geo permit that is not a list of ISO 3166-1 alpha-2 codes is left out',
      });
  }
  return Object.keys(conditions).length === 0 ? undefined : conditions;
}

/** Reads the usage tokens of a `<permits>`/`<prohibits>`; an unknown token is an error on its line. */
function usageTokens(source: string, node: Node, errors: Finding[]): RslToken[] {
  const found: RslToken[] = [];
  for (const token of tokens(node)) {
    if (token in RSL_TERMS) found.push(token as RslToken);
    else errors.push({ line: lineOf(source, node), message: `unknown RSL usage "${token}"` });
  }
  return found;
}

function readContent(
  source: string,
  content: Node,
  errors: Finding[],
  warnings: Finding[],
): RslContent | undefined {
  const line = lineOf(source, content);
  const url = String(content['@url'] ?? '');
  if (url === '') {
    errors.push({ line, message: '<content> needs a url attribute' });
    return undefined;
  }
  const permissions: LeafPermissions = {};
  const denied: LeafPermissions = {};
  let conditions: Conditions | undefined;
  const licenses = list(content.license);
  if (licenses.length === 0)
    warnings.push({ line, message: `<content url="${url}"> has no <license>: nothing is granted` });
  for (const license of licenses) {
    const at = lineOf(source, license);
    const terms = licenseConditions(license, at, warnings);
    const value: Permission = terms === undefined ? 'allow' : 'conditional';
    const usages = list(license.permits).filter((p) => (p['@type'] ?? 'usage') === 'usage');
    for (const permit of list(license.permits))
      if (permit['@type'] === 'user')
        warnings.push({
          line: lineOf(source, permit),
          message: 'user-type permits (commercial, education…) have no Kyodaku purpose: left out',
        });
    for (const prohibit of list(license.prohibits)) {
      const type = prohibit['@type'] ?? 'usage';
      if (type === 'usage')
        for (const token of usageTokens(source, prohibit, errors)) assign(denied, RSL_TERMS[token], 'deny');
      else
        warnings.push({
          line: lineOf(source, prohibit),
          message: `prohibits type="${String(type)}" has no Kyodaku equivalent: left out`,
        });
    }
    const granted = new Set<PurposeLeaf>();
    if (usages.length === 0 && list(license.prohibits).length === 0)
      warnings.push({
        line: at,
        message: 'a license without <permits type="usage"> grants no purpose (opt-in)',
      });
    for (const permit of usages)
      for (const token of usageTokens(source, permit, errors))
        for (const leaf of RSL_TERMS[token]) granted.add(leaf);
    for (const leaf of granted) {
      const current = permissions[leaf];
      // Licenses are alternatives: the least restrictive offer stands for each leaf.
      if (current === undefined || (current === 'conditional' && value === 'allow'))
        permissions[leaf] = value;
    }
    if (terms !== undefined) {
      if (conditions !== undefined)
        warnings.push({ line: at, message: "several licenses with terms: the first one's terms are kept" });
      conditions ??= terms;
    }
  }
  for (const [leaf, value] of Object.entries(denied)) permissions[leaf as PurposeLeaf] = value;
  const usesConditions = Object.values(permissions).includes('conditional');
  return { url, line, permissions, ...(usesConditions && conditions !== undefined && { conditions }) };
}

/** Reads a license.xml: every `<content>` with its leaf values; malformed XML is an error on its line. */
export function readRsl(source: string): Parsed<RslContent[]> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const contents: RslContent[] = [];
  const result = { value: contents, errors, warnings };
  if (source.length > RSL_MAX_BYTES) {
    errors.push({ message: `a license.xml of more than ${RSL_MAX_BYTES} bytes is refused` });
    return result;
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) {
    errors.push({
      line: lineAt(source, source.search(/<!DOCTYPE|<!ENTITY/i)),
      message: 'a DOCTYPE or ENTITY declaration is refused',
    });
    return result;
  }
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    errors.push({ line: valid.err.line, message: `malformed XML: ${valid.err.msg}` });
    return result;
  }
  const document = parser().parse(source) as Node;
  const root = document.rsl as Node | undefined;
  if (root === undefined || typeof root !== 'object') {
    errors.push({ line: 1, message: 'the root element must be <rsl>' });
    return result;
  }
  if (root['@xmlns'] !== RSL_NAMESPACE)
    errors.push({ line: lineOf(source, root), message: `<rsl> must declare xmlns="${RSL_NAMESPACE}"` });
  const items = list(root.content);
  if (items.length === 0) errors.push({ line: lineOf(source, root), message: '<rsl> has no <content>' });
  for (const content of items) {
    const read = readContent(source, content, errors, warnings);
    if (read !== undefined) contents.push(read);
  }
  return result;
}

/**
 * license.xml for a work (REQ-INTEROP-040): one `<content>` per path, a license permitting the allowed
 * usages for free, one permitting the conditional usages with their payment and territory, and the
 * denied usages prohibited in each.
 */
export function rslFor(
  paths: readonly string[],
  permissions: LeafPermissions,
  conditions: Conditions | undefined,
  termsUrl: string,
): string {
  const byValue = (value: Permission) =>
    RSL_EXPORT_TOKENS.filter((t) => collapse(permissions, RSL_TERMS[t]) === value);
  const allowed = byValue('allow');
  const conditional = byValue('conditional');
  const denied = byValue('deny');
  const prohibits = denied.length > 0 ? [{ '@type': 'usage', '#text': denied.join(' ') }] : [];
  const licenses: Node[] = [];
  if (allowed.length > 0)
    licenses.push({
      permits: [{ '@type': 'usage', '#text': allowed.join(' ') }],
      prohibits,
      payment: [{ '@type': 'free' }],
    });
  if (conditional.length > 0) {
    const permits: Node[] = [{ '@type': 'usage', '#text': conditional.join(' ') }];
    if (conditions?.territory) permits.push({ '@type': 'geo', '#text': conditions.territory.join(' ') });
    const compensation = conditions?.compensation;
    const payment: Node = {
      '@type':
        compensation === undefined || compensation.model === 'free'
          ? conditions?.attribution?.required
            ? 'attribution'
            : 'free'
          : COMPENSATION_PAYMENT[compensation.model]!,
    };
    if (compensation?.amount !== undefined && compensation.currency !== undefined)
      payment.amount = [{ '@currency': compensation.currency, '#text': compensation.amount }];
    if (compensation?.url !== undefined) payment.custom = [{ '#text': compensation.url }];
    licenses.push({ permits, prohibits, payment: [payment] });
  }
  if (licenses.length === 0) licenses.push({ prohibits });
  const document = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    rsl: {
      '@xmlns': RSL_NAMESPACE,
      content: paths.map((url) => ({ '@url': url, terms: termsUrl, license: licenses })),
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
  });
  return builder.build(document) as string;
}
