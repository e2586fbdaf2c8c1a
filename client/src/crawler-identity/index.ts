/** Crawler identity: Web Bot Auth signatures of queries and key directories (spec/crawler-identity.md). */
export * from './crawler-request.ts';
export * from './key-directory.ts';
export * from './message-signatures.ts';
export * from './signature-base.ts';
