/** Where the built web page is: `npm run build -w @kyodaku/web` (or `npm install`'s prepare) writes it. */
import { fileURLToPath } from 'node:url';

/** The directory of the built page: index.html, app.js, app.css. */
export const WEB_DIST = fileURLToPath(new URL('./dist/', import.meta.url));
