export * from './binary-fuse.ts';
export * from './delta-file.ts';
export * from './filter-file.ts';
export * from './key-hash.ts';
export * from './offline-snapshot.ts';
export * from './snapshot-delta.ts';
export * from './snapshot-dir.ts';
export * from './verify-snapshot.ts';
