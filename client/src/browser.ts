/**
 * The protocol library as it runs in a browser (bundled by web/build.ts): everything but the SDK's
 * Node parts (node-client.ts, the file checkpoint store, the CLI). Hashing and encodings go through
 * platform.ts, which the browser build replaces with platform.browser.ts.
 */
export * from './builders.ts';
export * from './errors.ts';
export * from './identifiers.ts';
export * from './jcs.ts';
export * from './jws.ts';
export * from './key-change.ts';
export * from './keys.ts';
export * from './log/checkpoint.ts';
export * from './log/merkle.ts';
export * from './log/proofs.ts';
export * from './log/receipt.ts';
export * from './names/name-key.ts';
export * from './object-kinds.ts';
export * from './purposes.ts';
export * as schemas from './schemas/index.ts';
export * from './time.ts';
export { type LabelVerdict, verifyLabel } from './usage.ts';
export * from './verify-party.ts';
