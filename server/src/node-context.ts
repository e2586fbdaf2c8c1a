/** What the HTTP app needs from the running node: its store, its keys and its clock. */
import type { PublicJwk, Signer } from '@kyodaku/client';
import type { Federation } from './federation/federation.ts';
import type { Checkpointer } from './log/checkpoints.ts';
import type { Store } from './objects/object-log.ts';

export interface NodeContext {
  name: string;
  origin: string;
  store: Store;
  node: { kid: string; publicJwk: PublicJwk; signer: Signer };
  admin: { kid: string; publicJwk: PublicJwk };
  /** The transparency log (spec/log.md): checkpoints signed with the node key, named by origin. */
  log: { checkpoints: Checkpointer; verifierKey: string };
  /** The node's clock in milliseconds (injectable for tests). */
  now: () => number;
  /** The peers this node follows and the objects it verified from them (spec/federation.md). */
  federation?: Federation;
}
