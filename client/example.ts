import createClient from "openapi-fetch";
import type { paths } from "./openapi";

/** The README's typed-client example; `npm run typecheck` compiles it against the committed types. */
export async function weeklyFees(baseUrl = "http://localhost:42069") {
  const api = createClient<paths, "application/json">({ baseUrl });
  const { data, error } = await api.GET("/api/v1/fees/trends", {
    params: { query: { interval: "week", from: "2026-01-01" } },
  });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  return data.data.map((week) => ({ week: week.time, volume: BigInt(week.volume), payers: week.uniquePayers }));
}
