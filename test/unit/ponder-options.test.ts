import { afterEach, describe, expect, it } from "vitest";
// The option is read where Ponder builds its options; the patched file itself is what must be checked.
// @ts-expect-error Ponder ships declarations for its public entry only
import { buildOptions } from "../../node_modules/ponder/dist/esm/internal/options.js";

const cliOptions = { command: "start", version: "0.16.10", config: "ponder.config.ts" };
const saved = process.env.PONDER_SYNC_EVENTS_QUERY_SIZE;

describe("Ponder's backfill batch size (patches/ponder+0.16.10.patch)", () => {
  afterEach(() => {
    if (saved === undefined) delete process.env.PONDER_SYNC_EVENTS_QUERY_SIZE;
    else process.env.PONDER_SYNC_EVENTS_QUERY_SIZE = saved;
  });

  it("is read from PONDER_SYNC_EVENTS_QUERY_SIZE, as npm start sets it", () => {
    process.env.PONDER_SYNC_EVENTS_QUERY_SIZE = "18000";
    expect(buildOptions({ cliOptions }).syncEventsQuerySize).toBe(18_000);
  });

  it("stays Ponder's 12,000 when the variable is unset or empty", () => {
    delete process.env.PONDER_SYNC_EVENTS_QUERY_SIZE;
    expect(buildOptions({ cliOptions }).syncEventsQuerySize).toBe(12_000);
    process.env.PONDER_SYNC_EVENTS_QUERY_SIZE = "";
    expect(buildOptions({ cliOptions }).syncEventsQuerySize).toBe(12_000);
  });
});
