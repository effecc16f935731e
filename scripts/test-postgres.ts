/**
 * `npm run test:postgres`: the end-to-end suites and the query-plan test on PostgreSQL. Each gets a
 * database of its own, created on the server named by DATABASE_URL and dropped afterwards.
 */
import { spawnSync } from "node:child_process";

const databaseUrl = process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const result = spawnSync("npx", ["vitest", "run", "test/e2e", "test/unit/query-plans.test.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: databaseUrl, TEST_BACKENDS: "postgres" },
});
process.exit(result.status ?? 1);
