/** What the HTTP app needs from the running node: its store, its keys and its clock. */
import type { PublicJwk, Signer } from '@kyodaku/client';
import type { Store } from './store.ts';

export interface NodeContext {
  name: string;
  origin: string;
  store: Store;
  node: { kid: string; publicJwk: PublicJwk; signer: Signer };
  admin: { kid: string; publicJwk: PublicJwk };
  /** The node's clock in milliseconds (injectable for tests). */
  now: () => number;
}
