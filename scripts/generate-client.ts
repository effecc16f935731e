/**
 * `npm run client:generate [-- <indexer url>]`: rewrites client/openapi.d.ts from a running indexer's
 * /openapi.json (default http://127.0.0.1:42069, the demo's). The API surface test fails while the
 * committed file differs from the document.
 */
import { writeFileSync } from "node:fs";
import { clientTypes, clientTypesPath } from "../client/generate";

const url = process.argv[2] ?? "http://127.0.0.1:42069";
const response = await fetch(`${url}/openapi.json`);
if (!response.ok) {
  console.error(`GET ${url}/openapi.json -> ${response.status}`);
  process.exit(1);
}
writeFileSync(clientTypesPath, await clientTypes((await response.json()) as object));
console.log(`wrote ${clientTypesPath.pathname}`);
