/** A peer's metadata, checked against the key the operator pins (spec/federation.md §3). */
import { assertAcceptablePublicKey, KyodakuError, keyIdOf } from '@kyodaku/client';
import { PeerClient, type PeerMetadata } from './peer-client.ts';
import { PeerConfigError } from './peer-config.ts';

/**
 * Fetches a peer's metadata and checks it against the key to pin (REQ-FED-002): the node id is the
 * pinned key, and the thumbprint of the node key it publishes; a node never follows `self`.
 * Unreachable or malformed: 400.
 */
export async function checkedMetadata(
  self: { nodeId: string; origin: string },
  url: string,
  nodeKey: string,
): Promise<PeerMetadata> {
  let meta: PeerMetadata;
  try {
    meta = await new PeerClient(url, 10_000).metadata();
  } catch (error) {
    throw new KyodakuError('ERR_INVALID_REQUEST', `the peer does not answer: ${(error as Error).message}`);
  }
  if (meta.nodeId !== nodeKey) {
    throw new PeerConfigError(`the peer's node key is ${meta.nodeId}, not the pinned ${nodeKey}`);
  }
  try {
    assertAcceptablePublicKey(meta.nodeKey);
  } catch {
    throw new PeerConfigError("the peer's node key is not an acceptable Ed25519 key");
  }
  if ((await keyIdOf(meta.nodeKey)) !== meta.nodeId) {
    throw new PeerConfigError("the peer's node.id is not the thumbprint of its node.key");
  }
  if (meta.nodeId === self.nodeId || meta.origin === self.origin) {
    throw new PeerConfigError('a node does not follow itself');
  }
  return meta;
}

/**
 * The metadata of a peer followed before (refollowed, REQ-FED-053, or resumed, REQ-FED-054): checked
 * as `checkedMetadata` does, and it must still publish the origin stored for it.
 */
export async function checkedSamePeer(
  self: { nodeId: string; origin: string },
  url: string,
  nodeKey: string,
  origin: string,
): Promise<PeerMetadata> {
  const meta = await checkedMetadata(self, url, nodeKey);
  if (meta.origin !== origin) {
    throw new PeerConfigError(
      `the peer's origin is now ${meta.origin}, not ${origin}: another log is another peer`,
    );
  }
  return meta;
}
