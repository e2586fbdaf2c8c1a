#!/usr/bin/env node
// kyodaku — the Kyodaku command line (TypeScript run by tsx; no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
