/**
 * TDMRep in documents (TDM Reservation Protocol, Final Community Group Report, 10 May 2024, §3.3 and
 * §3.4): `<meta name="tdm-reservation">` / `tdm-policy` in the `<head>` of an HTML page, and
 * `tdm:reservation` / `tdm:policy` in the metadata of an EPUB Package Document (OPF): EPUB 3's
 * `<meta property="tdm:reservation">1</meta>` with the `tdm` prefix declared on `<package prefix>`,
 * and EPUB 2's `<meta name="tdm:reservation" content="1"/>`. spec/interop.md §5.2.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { normalizeIdentifier } from '../identifiers.ts';
import { type Finding, lineAt, type Parsed } from './findings.ts';
import { readTdmHeaders, type TdmDeclaration } from './tdmrep.ts';

/** The TDMRep vocabulary's IRI, which the EPUB 3 `tdm` prefix maps to. */
export const TDMREP_PREFIX_IRI = 'http://www.w3.org/ns/tdmrep#';
/** The most bytes of an HTML page or package document read (a guard against hostile input). */
export const TDM_DOCUMENT_MAX_BYTES = 512 * 1024;

/** One value found in a document, with its line. */
interface Found {
  value: string;
  line: number;
}

/**
 * The declaration of the values found: one `tdm-reservation` (several that disagree are an error:
 * the document says both), its policy read as the header fields are (REQ-INTEROP-023).
 */
function declarationOf(
  reservations: Found[],
  policies: Found[],
  where: string,
  errors: Finding[],
  warnings: Finding[],
): TdmDeclaration | undefined {
  if (reservations.length === 0) {
    for (const p of policies)
      warnings.push({ line: p.line, message: `${where} tdm-policy without tdm-reservation, ignored` });
    return undefined;
  }
  const first = reservations[0]!;
  const other = reservations.find((r) => r.value.trim() !== first.value.trim());
  if (other !== undefined) {
    errors.push({
      line: other.line,
      message: `${where} tdm-reservation says ${JSON.stringify(other.value)} here and ${JSON.stringify(first.value)} on line ${first.line}`,
    });
    return undefined;
  }
  for (const r of reservations.slice(1))
    warnings.push({ line: r.line, message: `${where} tdm-reservation repeated` });
  const policy = policies[0];
  const read = readTdmHeaders(first.value, policy?.value ?? null);
  for (const f of read.errors) errors.push({ line: first.line, message: `${where} ${f.message}` });
  for (const f of read.warnings)
    warnings.push({ line: policy?.line ?? first.line, message: `${where} ${f.message}` });
  for (const p of policies.slice(1))
    warnings.push({ line: p.line, message: `${where} tdm-policy repeated, ignored` });
  return read.value;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An attribute value with its character references decoded (the few a URL or a digit uses). */
function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag's text (after its name), names lower-cased (HTML: ASCII case-insensitive). */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of tag.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeAttribute(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attributes;
}

/** Blanks `text` between the matches of `pattern`, keeping its length and line breaks. */
function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (whole) => whole.replace(/[^\n]/g, ' '));
}

/**
 * The TDMRep declaration of an HTML page's `<head>` (TDMRep §3.3): `<meta name="tdm-reservation"
 * content="0|1">` and `<meta name="tdm-policy" content="URL">`. Comments, scripts, styles and
 * everything from `<body>` on are not read; names compare ASCII case-insensitively.
 */
export function readTdmHtmlMeta(html: string): Parsed<TdmDeclaration | undefined> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const source = html.slice(0, TDM_DOCUMENT_MAX_BYTES);
  const visible = blank(source, /<!--[\s\S]*?(?:-->|$)|<(script|style|template)\b[\s\S]*?(?:<\/\1\s*>|$)/gi);
  const end = visible.search(/<\/head\s*>|<body[\s>]/i);
  const head = end === -1 ? visible : visible.slice(0, end);
  const reservations: Found[] = [];
  const policies: Found[] = [];
  for (const m of head.matchAll(/<meta\b([^>]*)>/gi)) {
    const attributes = attributesOf(m[1]!);
    const name = attributes.get('name')?.trim().toLowerCase();
    if (name !== 'tdm-reservation' && name !== 'tdm-policy') continue;
    const line = lineAt(source, m.index);
    const content = attributes.get('content');
    if (content === undefined) {
      warnings.push({ line, message: `<meta name="${name}"> without content, ignored` });
      continue;
    }
    (name === 'tdm-reservation' ? reservations : policies).push({ value: content, line });
  }
  return { value: declarationOf(reservations, policies, '<meta>', errors, warnings), errors, warnings };
}

/** The `<meta>` elements of a declaration, for an HTML page's `<head>` (the export of REQ-INTEROP-024). */
export function tdmHtmlMetaFor(declaration: TdmDeclaration): string {
  const attribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const lines = [`<meta name="tdm-reservation" content="${declaration.reservation}">`];
  if (declaration.policy !== undefined)
    lines.push(`<meta name="tdm-policy" content="${attribute(declaration.policy)}">`);
  return `${lines.join('\n')}\n`;
}

type Node = Record<string | symbol, unknown>;
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

function list(value: unknown): Node[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (v): v is Node => v !== null && typeof v === 'object',
  );
}

function textOf(node: Node): string {
  return String(node['#text'] ?? '').trim();
}

/** The prefixes of a `prefix` attribute (EPUB 3 §D.2): `name: IRI` pairs separated by spaces. */
function prefixesOf(attribute: string): Map<string, string> {
  const prefixes = new Map<string, string>();
  for (const m of attribute.matchAll(/([A-Za-z_][\w.-]*):\s+(\S+)/g)) prefixes.set(m[1]!, m[2]!);
  return prefixes;
}

/** An EPUB's TDMRep declaration and the identifiers of the publication it names. */
export interface EpubTdm {
  declaration?: TdmDeclaration;
  /** Kyodaku identifiers of the package's `dc:identifier` elements that normalize (ISBNs). */
  ids: string[];
}

/** The ISBN identifier of a `dc:identifier` value (`urn:isbn:…`, `isbn:…` or the bare ISBN), if it is one. */
function isbnOf(value: string): string | undefined {
  const bare = value.replace(/^(urn:)?isbn:/i, '');
  if (!/^[0-9][0-9 -]{8,16}[0-9Xx]$/.test(bare)) return undefined;
  try {
    return normalizeIdentifier(`isbn:${bare}`);
  } catch {
    return undefined;
  }
}

/**
 * The TDMRep declaration of an EPUB Package Document (TDMRep §3.4): EPUB 3 `<meta
 * property="tdm:reservation">` (the `tdm` prefix declared on `<package prefix>` as the TDMRep IRI;
 * undeclared, it is read with a warning) or EPUB 2 `<meta name="tdm:reservation" content>`; the
 * declaration covers every resource of the package. A DOCTYPE or ENTITY declaration is refused.
 */
export function readEpubTdm(opf: string): Parsed<EpubTdm> {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const value: EpubTdm = { ids: [] };
  if (opf.length > TDM_DOCUMENT_MAX_BYTES) {
    errors.push({ message: `a package document of more than ${TDM_DOCUMENT_MAX_BYTES} bytes is refused` });
    return { value, errors, warnings };
  }
  const dtd = opf.search(/<!DOCTYPE|<!ENTITY/i);
  if (dtd !== -1) {
    errors.push({ line: lineAt(opf, dtd), message: 'a DOCTYPE or ENTITY declaration is refused' });
    return { value, errors, warnings };
  }
  const valid = XMLValidator.validate(opf);
  if (valid !== true) {
    errors.push({ line: valid.err.line, message: `not well-formed XML: ${valid.err.msg}` });
    return { value, errors, warnings };
  }
  const document = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    removeNSPrefix: true,
    processEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    alwaysCreateTextNode: true,
    captureMetaData: true,
    isArray: (name) => name === 'meta' || name === 'identifier',
  }).parse(opf) as Node;
  const pkg = list(document.package)[0];
  if (pkg === undefined) {
    errors.push({ line: 1, message: 'the root element is not <package> (an EPUB Package Document)' });
    return { value, errors, warnings };
  }
  const metadata = list(pkg.metadata)[0] ?? {};
  const lineOf = (node: Node) => {
    const meta = node[META] as { startIndex?: number } | undefined;
    return meta?.startIndex === undefined ? 1 : lineAt(opf, meta.startIndex);
  };
  const prefixes = prefixesOf(String(pkg['@prefix'] ?? ''));
  const tdmPrefixes = new Set([...prefixes].filter(([, iri]) => iri === TDMREP_PREFIX_IRI).map(([p]) => p));
  const reservations: Found[] = [];
  const policies: Found[] = [];
  for (const meta of list(metadata.meta)) {
    const line = lineOf(meta);
    const property = meta['@property'];
    const name = meta['@name'];
    const term = String(property ?? name ?? '');
    const colon = term.indexOf(':');
    if (colon === -1) continue;
    const prefix = term.slice(0, colon);
    const local = term.slice(colon + 1);
    if (local !== 'reservation' && local !== 'policy') continue;
    if (property !== undefined && !tdmPrefixes.has(prefix)) {
      if (prefix !== 'tdm') continue;
      if (prefixes.has('tdm')) {
        warnings.push({ line, message: `the prefix tdm is not the TDMRep vocabulary here: ${term} ignored` });
        continue;
      }
      warnings.push({
        line,
        message: `the prefix tdm is not declared on <package prefix>; ${term} read as TDMRep`,
      });
    }
    if (name !== undefined && prefix !== 'tdm') continue;
    const content = property !== undefined ? textOf(meta) : String(meta['@content'] ?? '');
    (local === 'reservation' ? reservations : policies).push({ value: content, line });
  }
  const declaration = declarationOf(reservations, policies, `<meta>`, errors, warnings);
  if (declaration !== undefined) value.declaration = declaration;
  for (const identifier of list(metadata.identifier)) {
    const id = isbnOf(textOf(identifier));
    if (id !== undefined && !value.ids.includes(id)) value.ids.push(id);
  }
  return { value, errors, warnings };
}
