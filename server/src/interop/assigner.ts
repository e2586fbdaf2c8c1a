/** The rights holder a TDMRep policy names as its assigner (spec/interop.md §5.1). */
import { type interop, KyodakuError } from '@kyodaku/client';
import type { NodeContext } from '../node-context.ts';
import { loadPartyView } from '../parties/party-view.ts';

/**
 * The issuer of the record as a vCard assigner: its party URL at this node, its name and contact.
 * A record the node only follows (federation) has no local registration: its record id stands in.
 */
export async function assignerOf(
  node: NodeContext,
  recordId: string,
  origin: string,
): Promise<interop.TdmAssigner> {
  const row = await node.records.recordRow(recordId);
  if (row === undefined) return { uid: `urn:kyodaku:record:${recordId}` };
  let party: Awaited<ReturnType<typeof loadPartyView>>['party'];
  try {
    party = (await loadPartyView(node, row.issuer)).party;
  } catch (error) {
    if (error instanceof KyodakuError && error.code === 'ERR_NOT_FOUND')
      return { uid: `urn:kyodaku:record:${recordId}` };
    throw error;
  }
  const name = party.contact?.name ?? party.names.en ?? Object.values(party.names)[0];
  return {
    uid: `${origin}/v1/parties/${row.issuer}`,
    ...(name !== undefined && { name }),
    ...(party.contact?.email !== undefined && { email: party.contact.email }),
    ...(party.contact?.url !== undefined && { url: party.contact.url }),
  };
}
