/** Interoperability with the signals crawlers and rights holders already use (spec/interop.md). */
export * from './aipref.ts';
export * from './cawg.ts';
export * from './combine.ts';
export * from './drafts.ts';
export * from './findings.ts';
export * from './odrl.ts';
export * from './precrawl.ts';
export * from './robots.ts';
export * from './rsl.ts';
export * from './tdm-meta.ts';
export * from './tdm-policy.ts';
export * from './tdmrep.ts';
export * from './url-paths.ts';
export * from './vocabulary.ts';
