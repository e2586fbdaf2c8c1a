export * from './messages.ts';
export * from './objects.ts';
export * from './primitives.ts';
export * from './usage.ts';
