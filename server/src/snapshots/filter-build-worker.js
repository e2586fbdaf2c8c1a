// The snapshot filter builder thread (see filter-build-thread.ts): TypeScript through tsx, as the
// server's own entry point (bin/kyodaku-server.js) loads it.
import { register } from 'tsx/esm/api';

register();
await import('./filter-build-worker-main.ts');
