/**
 * The signature base of HTTP Message Signatures (RFC 9421 §2.5) for the components a crawler's
 * signature and a key directory's signature use: the derived components `@method`, `@authority`,
 * `@scheme`, `@target-uri`, `@path` and `@query` (§2.2), HTTP fields by name (§2.1), a member of a
 * dictionary field (`;key`, §2.1.2) and, in a response, the request's components (`;req`, §2.4).
 * Anything else (`;sf`, `;bs`, `;tr`, `@query-param`, `@status`, `@request-target`) is refused: a
 * verifier must not guess a value it cannot compute exactly.
 */
import {
  type BareItem,
  type InnerList,
  type Item,
  type Parameters,
  parseDictionary,
  serializeInnerList,
  serializeItem,
} from 'structured-headers';
import { KyodakuError } from '../errors.ts';

/** Request: its method, its target URI and its header fields. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
}

/** Response: its header fields and the request it answers (for `;req` components). */
export interface SignedResponse {
  headers: { get(name: string): string | null };
  request: { method: string; url: string };
}

export type SignedMessage = SignedRequest | SignedResponse;

const DERIVED = new Set(['@method', '@authority', '@scheme', '@target-uri', '@path', '@query']);
const FIELD_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

function invalid(message: string): never {
  throw new KyodakuError('ERR_CRAWLER_SIGNATURE', message);
}

function derivedValue(name: string, request: { method: string; url: string }): string {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return invalid('the message has no absolute target URI');
  }
  switch (name) {
    case '@method':
      return request.method;
    case '@authority':
      return url.host;
    case '@scheme':
      return url.protocol.slice(0, -1);
    case '@target-uri':
      return url.href;
    case '@path':
      return url.pathname === '' ? '/' : url.pathname;
    default:
      return url.search === '' ? '?' : url.search;
  }
}

/** A dictionary member, serialized as RFC 9421 §2.1.2 says (`;key="name"`). */
function dictionaryMember(field: string, value: string, key: BareItem): string {
  if (typeof key !== 'string') invalid(`component "${field}": key must be a string`);
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(value);
  } catch {
    return invalid(`component "${field}";key: the field is not a structured dictionary`);
  }
  const member = dictionary.get(key);
  if (member === undefined) invalid(`component "${field}";key="${key}": no such member`);
  return Array.isArray(member[0]) ? serializeInnerList(member as InnerList) : serializeItem(member as Item);
}

/** The value of one covered component in a message (RFC 9421 §2.1, §2.2, §2.4). */
export function componentValue(message: SignedMessage, component: Item): string {
  const [name, params] = component;
  if (typeof name !== 'string') invalid('a covered component must be a string');
  for (const p of params.keys()) {
    if (p !== 'req' && p !== 'key') invalid(`component "${name}": parameter ${p} is not supported`);
  }
  const req = params.get('req');
  if (req !== undefined && req !== true) invalid(`component "${name}": req must be a true boolean`);
  const isResponse = 'request' in message;
  if (req === true && !isResponse) invalid(`component "${name}";req is only for a response`);
  if (name.startsWith('@')) {
    if (!DERIVED.has(name)) invalid(`derived component ${name} is not supported`);
    if (params.has('key')) invalid(`component "${name}": key is only for fields`);
    if (isResponse && req !== true) invalid(`component "${name}" of a response needs ;req`);
    return derivedValue(name, isResponse ? message.request : message);
  }
  if (!FIELD_NAME.test(name)) invalid(`component "${name}" is not a lowercase field name`);
  if (req === true) invalid(`component "${name}";req: request fields of a response are not supported`);
  const raw = message.headers.get(name);
  if (raw === null) invalid(`covered field ${name} is not in the message`);
  const value = raw.trim();
  const key = params.get('key');
  return key === undefined ? value : dictionaryMember(name, value, key);
}

/**
 * The signature base (RFC 9421 §2.5): one line per covered component, then `@signature-params`
 * with the inner list as serialized (RFC 8941 serialization is canonical). Refuses a component
 * listed twice and a value with a line break (§2.5 step 2.4).
 */
export function signatureBase(message: SignedMessage, signatureParams: InnerList): string {
  const [components] = signatureParams;
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const component of components) {
    const id = serializeItem(component);
    if (seen.has(id)) invalid(`component ${id} is covered twice`);
    seen.add(id);
    if (component[0] === '@signature-params') invalid('@signature-params cannot be a covered component');
    const value = componentValue(message, component);
    if (/[\r\n]/.test(value)) invalid(`component ${id} has a line break`);
    lines.push(`${id}: ${value}`);
  }
  lines.push(`"@signature-params": ${serializeInnerList(signatureParams)}`);
  return lines.join('\n');
}

/** The covered components of an inner list, as strings (`"@authority"`, `"signature-agent";key="a"`). */
export function coveredIds(signatureParams: InnerList): string[] {
  return signatureParams[0].map((c) => serializeItem(c));
}

/** An inner list of components from names (fields lowercase), with its parameters. */
export function innerList(components: Array<string | [string, Parameters]>, params: Parameters): InnerList {
  return [components.map((c) => (typeof c === 'string' ? [c, new Map()] : c)) as Item[], params];
}
