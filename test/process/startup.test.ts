import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../devnet/indexer";

/** Runs `ponder start` with one bad variable; it must stop at once and name the variable. */
function startWith(env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    [
      path.join(projectRoot, "node_modules/ponder/dist/esm/bin/ponder.js"),
      "start",
      "--schema",
      "public",
      "--port",
      "0",
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: projectRoot,
      env: { ...process.env, PONDER_TELEMETRY_DISABLED: "true", PGLITE_DIRECTORY: path.join(projectRoot, ".ponder/startup-test"), ...env },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("start-up configuration errors", () => {
  it.each([
    ["OPG_TOKEN_ADDRESS", "0x123"],
    ["OPG_TOKEN_START_BLOCK", "-1"],
    ["STAKING_CHAIN", "mainnet"],
    ["PONDER_RPC_URL_8453", "nonsense"],
    // Read by Ponder itself (patched) before the config: the config still refuses it by name.
    ["PONDER_SYNC_EVENTS_QUERY_SIZE", "many"],
  ])("stops when %s=%s", (variable, value) => {
    const { status, output } = startWith({ [variable]: value });
    expect(status).not.toBe(0);
    expect(output).toContain(`Invalid configuration: ${variable}`);
  });
});
