import type { z } from "zod";
import { zodToJsonSchema } from "zod-to-json-schema";

/**
 * Each route declares itself here next to its handler, with the same zod schema it validates its
 * query with and the schema of its JSON answer, so the OpenAPI document cannot drift from what the
 * API accepts or returns; the end-to-end harness checks every answer against this document.
 */
export type EndpointDoc = {
  path: string;
  tag: string;
  summary: string;
  description?: string;
  query?: z.AnyZodObject;
  /** The JSON answer's schema (strict objects: an undeclared field fails the end-to-end tests). */
  response?: z.ZodTypeAny;
  params?: Record<string, string>;
  /** Plain text (whole OPG) instead of JSON. */
  text?: boolean;
  /** Answers `?format=csv` as well as JSON. */
  csv?: boolean;
  notFound?: string;
};

const endpoints: EndpointDoc[] = [];

export function endpoint(doc: EndpointDoc) {
  if (!doc.text && !doc.response) throw new Error(`endpoint ${doc.path}: a JSON route must declare its response schema`);
  endpoints.push(doc);
}

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" } },
      required: ["code", "message"],
    },
  },
  required: ["error"],
};

const jsonSchema = (schema: z.ZodTypeAny) => zodToJsonSchema(schema, { target: "openApi3", $refStrategy: "none" });

function queryParameters(schema: z.AnyZodObject | undefined) {
  if (!schema) return [];
  const json = jsonSchema(schema) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) && property.default === undefined,
    schema: property,
  }));
}

export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of endpoints) {
    const openApiPath = `/api/v1${doc.path.replace(/:(\w+)/g, "{$1}")}`;
    const responses: Record<string, unknown> = {
      "200": {
        description: doc.text ? "The number alone, whole OPG, as plain text" : "OK",
        content: doc.text
          ? { "text/plain": { schema: { type: "string", example: "999063998.82293095613036287" } } }
          : {
              "application/json": { schema: jsonSchema(doc.response!) },
              ...(doc.csv ? { "text/csv": { schema: { type: "string" } } } : {}),
            },
      },
      "304": { description: "Not modified: the If-None-Match ETag still names the latest indexed block" },
      "400": { description: "Bad parameter", content: { "application/json": { schema: errorSchema } } },
    };
    if (doc.notFound) responses["404"] = { description: doc.notFound, content: { "application/json": { schema: errorSchema } } };
    paths[openApiPath] = {
      get: {
        tags: [doc.tag],
        summary: doc.summary,
        description: doc.description,
        parameters: [
          ...Object.entries(doc.params ?? {}).map(([name, description]) => ({
            name,
            in: "path",
            required: true,
            description,
            schema: { type: "string" },
          })),
          ...queryParameters(doc.query),
        ],
        responses,
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "opg-indexer API",
      version: "1",
      description:
        "Supply, staking ratio, node rewards, fee trends and verification status of the OpenGradient network. " +
        "Amounts are decimal strings of raw integers (decimals: 18). Time-varying answers carry asOf {block, timestamp}. " +
        "Series take interval=hour|day|week|month and from/to as unix seconds or ISO 8601 dates.",
    },
    servers: [{ url: serverUrl }],
    paths,
  };
}
