/**
 * ODRL 2.2 (W3C Recommendation, 15 February 2018) policies in JSON-LD for a work's leaves: a
 * permission per allowed or conditional leaf (duties and constraints from the conditions), a
 * prohibition per denied leaf, and `tdm:mine` for TDMRep agents. spec/interop.md §8.
 */
import { type Permission, PURPOSE_LEAVES } from '../purposes.ts';
import type { Conditions } from '../schemas/objects.ts';
import { collapse, type LeafPermissions, TDM_LEAVES } from './vocabulary.ts';

export const ODRL_CONTEXT = 'http://www.w3.org/ns/odrl.jsonld';
/** The IRI prefix of Kyodaku purposes as ODRL actions. */
export const PURPOSE_IRI = 'urn:kyodaku:purpose:';

type Rule = Record<string, unknown>;

function duties(conditions: Conditions | undefined): Rule[] {
  const list: Rule[] = [];
  const compensation = conditions?.compensation;
  if (compensation !== undefined && compensation.model !== 'free') {
    const refinement =
      compensation.amount === undefined
        ? []
        : [
            {
              leftOperand: 'payAmount',
              operator: 'eq',
              rightOperand: { '@value': compensation.amount, '@type': 'xsd:decimal' },
              ...(compensation.currency !== undefined && {
                unit: `urn:iso:std:iso:4217:${compensation.currency}`,
              }),
            },
          ];
    list.push({
      action:
        refinement.length === 0 ? 'compensate' : [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement }],
      ...(compensation.url !== undefined && { target: compensation.url }),
    });
  }
  if (conditions?.attribution?.required) list.push({ action: 'attribute' });
  return list;
}

function rule(target: string, action: string, value: Permission, conditions: Conditions | undefined): Rule {
  const r: Rule = { target, action };
  if (value !== 'conditional') return r;
  const duty = duties(conditions);
  if (duty.length > 0) r.duty = duty;
  if (conditions?.territory !== undefined)
    r.constraint = [{ leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: conditions.territory }];
  return r;
}

/**
 * The policy for a work: `uid` is where it is served, `target` the work's first identifier. A leaf
 * without a value is prohibited (opt-in).
 */
export function odrlPolicyFor(
  uid: string,
  target: string,
  permissions: LeafPermissions,
  conditions: Conditions | undefined,
): Record<string, unknown> {
  const permission: Rule[] = [];
  const prohibition: Rule[] = [];
  const add = (action: string, value: Permission) =>
    (value === 'deny' ? prohibition : permission).push(rule(target, action, value, conditions));
  add('tdm:mine', collapse(permissions, TDM_LEAVES));
  for (const leaf of PURPOSE_LEAVES) add(`kyodaku:${leaf}`, permissions[leaf] ?? 'deny');
  return {
    '@context': [ODRL_CONTEXT, { tdm: 'http://www.w3.org/ns/tdmrep#', kyodaku: PURPOSE_IRI }],
    '@type': 'Set',
    uid,
    profile: 'http://www.w3.org/ns/tdmrep',
    ...(permission.length > 0 && { permission }),
    ...(prohibition.length > 0 && { prohibition }),
  };
}
