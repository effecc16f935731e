import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

export const clientTypesPath = new URL("./openapi.d.ts", import.meta.url);

/** The TypeScript types of an OpenAPI document, as `npm run client:generate` commits them in client/openapi.d.ts. */
export async function clientTypes(document: object): Promise<string> {
  const { servers: _servers, ...portable } = document as { servers?: unknown };
  return COMMENT_HEADER + astToString(await openapiTS(portable as Parameters<typeof openapiTS>[0]));
}
