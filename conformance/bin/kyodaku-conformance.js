#!/usr/bin/env node
// kyodaku-conformance --target URL --admin-key FILE — the Kyodaku conformance suite.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
