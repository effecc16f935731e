import { Ajv, type ValidateFunction } from "ajv";

/** OpenAPI 3.0's `nullable: true` as plain JSON Schema: Ajv only accepts it beside a `type`. */
function withNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNulls);
  if (!node || typeof node !== "object") return node;
  const { nullable, ...rest } = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withNulls(value)])) as Record<
    string,
    unknown
  >;
  if (nullable !== true) return rest;
  return { anyOf: [rest, { type: "null" }] };
}

type Route = { pattern: RegExp; params: number; path: string; validate: ValidateFunction };

/**
 * Checks API answers against the running indexer's own /openapi.json: each `/api/v1/...` path is
 * matched to its route template and the body validated against that route's 200 schema, whose objects
 * forbid undeclared keys, so a field added or dropped without its schema fails the test that read it.
 */
export class ResponseSchemas {
  private constructor(private readonly routes: Route[]) {}

  static async load(baseUrl: string): Promise<ResponseSchemas> {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, { schema: object }> }> } }>;
    };
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const routes: Route[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      const schema = item.get.responses["200"]?.content?.["application/json"]?.schema;
      if (!schema) continue;
      const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+");
      routes.push({
        pattern: new RegExp(`^${source}$`),
        params: (path.match(/\{/g) ?? []).length,
        path,
        validate: ajv.compile(withNulls(schema) as object),
      });
    }
    // A literal segment wins over a parameter, as in the router.
    routes.sort((a, b) => a.params - b.params);
    return new ResponseSchemas(routes);
  }

  /** Throws when an /api/v1 answer has no documented JSON route or does not match its schema. */
  check(pathname: string, body: unknown) {
    const path = pathname.split("?")[0]!;
    if (!path.startsWith("/api/v1/")) return;
    const route = this.routes.find((candidate) => candidate.pattern.test(path));
    if (!route) throw new Error(`GET ${pathname}: no JSON response schema in /openapi.json matches this path`);
    if (!route.validate(body)) {
      const problems = route.validate.errors!.map(
        (error) => `${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`,
      );
      throw new Error(`GET ${pathname}: the answer does not match the schema of ${route.path}:\n  ${problems.slice(0, 10).join("\n  ")}`);
    }
  }
}
