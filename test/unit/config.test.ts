import { describe, expect, it } from "vitest";
import { ConfigError, MAINNET, resolveConfig } from "../../lib/config";

const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";

function failure(env: Record<string, string>): ConfigError {
  try {
    resolveConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected resolveConfig to throw");
}

describe("resolveConfig", () => {
  it("defaults to the mainnet deployment with the relay switched off", () => {
    const config = resolveConfig({});
    expect(config.token.address).toBe(MAINNET.opgToken.toLowerCase());
    expect(config.token.startBlock).toBe(MAINNET.opgTokenStartBlock);
    expect(config.x402?.proxies.map((p) => p.scheme)).toEqual(["exact", "upto"]);
    expect(config.x402?.startBlock).toBe(MAINNET.opgTokenStartBlock);
    expect(config.settlementRelay).toBeNull();
    expect(config.teeRegistry).toEqual({
      chain: "opengradient",
      addresses: MAINNET.teeRegistries.map((address) => address.toLowerCase()),
      startBlock: 0,
    });
    expect(config.teeHeartbeatMaxAgeSeconds).toBeNull();
    expect(config.staking?.address).toBe(MAINNET.staking);
    expect(config.chains.base.rpc).toEqual(["https://mainnet.base.org"]);
    expect(config.database).toEqual({ kind: "pglite", directory: ".ponder/pglite" });
    expect(config.port).toBe(42069);
  });

  it("refuses a polling interval below the floor and accepts the floor", () => {
    const error = failure({ RPC_POLLING_INTERVAL_MS: "99" });
    expect(error.variable).toBe("RPC_POLLING_INTERVAL_MS");
    expect(error.message).toContain("at least 100");
    expect(resolveConfig({ RPC_POLLING_INTERVAL_MS: "100" }).chains.base.pollingIntervalMs).toBe(100);
  });

  it("refuses a backfill batch size Ponder would read as no number or zero", () => {
    for (const value of ["many", "0", "-5", "1.5"]) {
      expect(failure({ PONDER_SYNC_EVENTS_QUERY_SIZE: value }).variable).toBe("PONDER_SYNC_EVENTS_QUERY_SIZE");
    }
    expect(() => resolveConfig({ PONDER_SYNC_EVENTS_QUERY_SIZE: "18000" })).not.toThrow();
  });

  it("names the variable that holds a bad address", () => {
    const error = failure({ OPG_TOKEN_ADDRESS: "0x123" });
    expect(error.variable).toBe("OPG_TOKEN_ADDRESS");
    expect(error.message).toContain("OPG_TOKEN_ADDRESS");
    expect(error.message).toContain("0x123");
    expect(failure({ SETTLEMENT_RELAY_ADDRESS: "relay" }).variable).toBe("SETTLEMENT_RELAY_ADDRESS");
    expect(failure({ NON_CIRCULATING_ADDRESSES: `treasury:${A},team:0xnope` }).variable).toBe("NON_CIRCULATING_ADDRESSES");
  });

  it("reads TEE_REGISTRY_ADDRESS as a list and TEE_HEARTBEAT_MAX_AGE_SECONDS as an override", () => {
    const config = resolveConfig({ TEE_REGISTRY_ADDRESS: ` ${A}, ${B},${A}`, TEE_HEARTBEAT_MAX_AGE_SECONDS: "900" });
    expect(config.teeRegistry?.addresses).toEqual([A.toLowerCase(), B.toLowerCase()]);
    expect(config.teeHeartbeatMaxAgeSeconds).toBe(900);
    expect(failure({ TEE_REGISTRY_ADDRESS: `${A},0xnope` }).variable).toBe("TEE_REGISTRY_ADDRESS");
  });

  it("rejects negative and non-integer block numbers", () => {
    expect(failure({ OPG_TOKEN_START_BLOCK: "-5" }).variable).toBe("OPG_TOKEN_START_BLOCK");
    expect(failure({ OG_START_BLOCK: "1.5" }).variable).toBe("OG_START_BLOCK");
    expect(failure({ X402_START_BLOCK: "soon" }).variable).toBe("X402_START_BLOCK");
    expect(failure({ TEE_HEARTBEAT_MAX_AGE_SECONDS: "0" }).variable).toBe("TEE_HEARTBEAT_MAX_AGE_SECONDS");
  });

  it("refuses to index fees from before the token, whose transfers pay them", () => {
    const error = failure({ OPG_TOKEN_START_BLOCK: "100", X402_START_BLOCK: "99" });
    expect(error.variable).toBe("X402_START_BLOCK");
    expect(resolveConfig({ OPG_TOKEN_START_BLOCK: "100", X402_START_BLOCK: "100" }).x402?.startBlock).toBe(100);
  });

  it("rejects bad URLs, chains, ports and databases", () => {
    expect(failure({ PONDER_RPC_URL_8453: "not a url" }).variable).toBe("PONDER_RPC_URL_8453");
    expect(failure({ PONDER_RPC_URL_10740: "ftp://example.org" }).variable).toBe("PONDER_RPC_URL_10740");
    expect(failure({ STAKING_CHAIN: "ethereum" }).variable).toBe("STAKING_CHAIN");
    expect(failure({ PORT: "http" }).variable).toBe("PORT");
    expect(failure({ DATABASE_URL: "mysql://localhost/db" }).variable).toBe("DATABASE_URL");
    expect(failure({ DATABASE_URL: "postgres://localhost/db", DATABASE_SCHEMA: "drop table;" }).variable).toBe("DATABASE_SCHEMA");
  });

  it("load-balances several RPC URLs", () => {
    const config = resolveConfig({ PONDER_RPC_URL_10740: "http://127.0.0.1:1, http://127.0.0.1:2" });
    expect(config.chains.opengradient.rpc).toEqual(["http://127.0.0.1:1", "http://127.0.0.1:2"]);
  });

  it("moves a source to Base by configuration alone", () => {
    const config = resolveConfig({ SETTLEMENT_RELAY_ADDRESS: A, SETTLEMENT_CHAIN: "base", OG_START_BLOCK: "77" });
    expect(config.settlementRelay).toEqual({ chain: "base", address: A, startBlock: 77 });
  });

  it("switches an optional source off when its address is empty", () => {
    const config = resolveConfig({ TEE_REGISTRY_ADDRESS: "", STAKING_ADDRESS: " ", X402_PROXY_ADDRESSES: "" });
    expect(config.teeRegistry).toBeNull();
    expect(config.staking).toBeNull();
    expect(config.x402).toBeNull();
  });

  it("follows the governance precompile by default, on the chain and start block configured", () => {
    expect(resolveConfig({}).governance).toEqual({ chain: "opengradient", address: MAINNET.governance, startBlock: 0 });
    expect(resolveConfig({ GOVERNANCE_ADDRESS: "" }).governance).toBeNull();
    expect(resolveConfig({ GOVERNANCE_ADDRESS: A, GOVERNANCE_CHAIN: "base", OG_START_BLOCK: "9" }).governance).toEqual({
      chain: "base",
      address: A,
      startBlock: 9,
    });
    expect(failure({ GOVERNANCE_ADDRESS: "0x12" }).variable).toBe("GOVERNANCE_ADDRESS");
    expect(failure({ GOVERNANCE_CHAIN: "cosmos" }).variable).toBe("GOVERNANCE_CHAIN");
  });

  it("reads labelled non-circulating addresses and proxy schemes", () => {
    const config = resolveConfig({
      NON_CIRCULATING_ADDRESSES: `treasury:${A}, ${B}`,
      X402_PROXY_ADDRESSES: `upto:${A},${MAINNET.x402Proxies[0].address},${B}`,
    });
    expect(config.nonCirculating).toEqual([
      { label: "treasury", address: A },
      { label: B, address: B },
    ]);
    expect(config.x402?.proxies).toEqual([
      { scheme: "upto", address: A },
      { scheme: "exact", address: MAINNET.x402Proxies[0].address.toLowerCase() },
      { scheme: "unknown", address: B },
    ]);
  });

  it("uses Postgres when DATABASE_URL is set", () => {
    const config = resolveConfig({ DATABASE_URL: "postgresql://u@127.0.0.1/db", DATABASE_SCHEMA: "opg" });
    expect(config.database).toEqual({ kind: "postgres", connectionString: "postgresql://u@127.0.0.1/db", schema: "opg" });
  });
});
