// The log root thread (see root-thread.ts): TypeScript through tsx, as the server's own entry point
// (bin/kyodaku-server.js) loads it.
import { register } from 'tsx/esm/api';

register();
await import('./root-worker-main.ts');
