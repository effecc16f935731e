import { type Address, getAddress, isAddress } from "viem";

/**
 * Every environment variable the indexer reads, resolved and validated in one place.
 * The variable names are a public interface (DESIGN §4): keep them.
 */

export const CHAIN_NAMES = ["base", "opengradient"] as const;
export type ChainName = (typeof CHAIN_NAMES)[number];
export const CHAIN_IDS: Record<ChainName, number> = { base: 8453, opengradient: 10740 };

export const MAINNET = {
  opgToken: "0xFbC2051AE2265686a469421b2C5A2D5462FbF5eB",
  x402Proxies: [
    { scheme: "exact", address: "0x402085c248EeA27D92E8b30b2C58ed07f9E20001" },
    { scheme: "upto", address: "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002" },
  ],
  /** The current deployment, then the earlier one whose TEEs still settle until they re-register. */
  teeRegistries: ["0x703cB174AEadB35D611858369B4b1111dC9Abda6", "0x4e72238852f3c918f4E4e57AeC9280dDB0c80248"],
  staking: "0x0000000000000000000000000000000000000800",
  distribution: "0x0000000000000000000000000000000000000801",
  governance: "0x0000000000000000000000000000000000000805",
  /**
   * The token's deployment block is not published. It replaced the old token on 2026-04-12;
   * Base produced block 0 at 1686789347 with 2-second blocks, so 2026-04-12T00:00Z is about
   * block 44,581,000. We start a day earlier to be sure nothing is missed.
   */
  opgTokenStartBlock: 44_538_000,
  /** The OpenGradient devnet is young and sparse: index it from genesis. */
  ogStartBlock: 0,
} as const;

export type SourceLocation = { chain: ChainName; address: Address; startBlock: number };
export type X402Proxy = { address: Address; scheme: string };
export type NonCirculatingAddress = { label: string; address: Address };
/** The TEE registry and its earlier deployments: a TEE known to any of them is registered. */
export type TeeRegistries = { chain: ChainName; addresses: Address[]; startBlock: number };

export type AppConfig = {
  chains: Record<ChainName, { id: number; rpc: string[]; pollingIntervalMs: number }>;
  token: SourceLocation;
  x402: { chain: ChainName; startBlock: number; proxies: X402Proxy[] } | null;
  settlementRelay: SourceLocation | null;
  teeRegistry: TeeRegistries | null;
  staking: SourceLocation | null;
  distribution: SourceLocation | null;
  governance: SourceLocation | null;
  reconcileIntervalBlocks: number;
  nonCirculating: NonCirculatingAddress[];
  /** An explicit override; null follows each registry's own `heartbeatMaxAge()`. */
  teeHeartbeatMaxAgeSeconds: number | null;
  database: { kind: "postgres"; connectionString: string; schema: string | undefined } | { kind: "pglite"; directory: string };
  port: number;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
    value: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem} (got ${JSON.stringify(value)})`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** Unset and empty are different for optional sources: unset takes the default, empty turns it off. */
function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined ? undefined : value.trim();
}

function parseAddress(name: string, value: string): Address {
  if (!isAddress(value, { strict: false })) {
    throw new ConfigError(name, "must be a 0x-prefixed 20-byte hex address", value);
  }
  return getAddress(value).toLowerCase() as Address;
}

function parseNonNegativeInt(env: Env, name: string, fallback: number): number {
  const value = raw(env, name);
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ConfigError(name, "must be a non-negative integer", value);
  }
  return Number(value);
}

function parsePositiveInt(env: Env, name: string, fallback: number): number {
  const parsed = parseNonNegativeInt(env, name, fallback);
  if (parsed === 0) throw new ConfigError(name, "must be greater than zero", raw(env, name) ?? "");
  return parsed;
}

function parseUrls(env: Env, name: string, fallback: string): string[] {
  const value = raw(env, name) || fallback;
  const urls = value
    .split(",")
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(name, "must be a comma-separated list of http(s) or ws(s) URLs", value);
    }
    if (!["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) {
      throw new ConfigError(name, "must be a comma-separated list of http(s) or ws(s) URLs", value);
    }
  }
  if (urls.length === 0) throw new ConfigError(name, "must name at least one URL", value);
  return urls;
}

function parseChain(env: Env, name: string): ChainName {
  const value = raw(env, name);
  if (value === undefined || value === "") return "opengradient";
  if (!(CHAIN_NAMES as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${CHAIN_NAMES.join(", ")}`, value);
  }
  return value as ChainName;
}

function parseAddressList(env: Env, name: string, fallback: string): Address[] | null {
  const value = raw(env, name);
  if (value === "") return null;
  const addresses = (value ?? fallback)
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (addresses.length === 0) return null;
  return [...new Set(addresses.map((address) => parseAddress(name, address)))];
}

function optionalAddress(env: Env, name: string, fallback: string | undefined): Address | null {
  const value = raw(env, name);
  if (value === "") return null;
  const chosen = value ?? fallback;
  return chosen === undefined ? null : parseAddress(name, chosen);
}

/** `label:0xaddr` pairs; the label is optional and defaults to the address. */
function parseLabelledAddresses(env: Env, name: string): NonCirculatingAddress[] {
  const value = raw(env, name);
  if (!value) return [];
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.lastIndexOf(":");
      const label = colon === -1 ? "" : entry.slice(0, colon).trim();
      const address = parseAddress(name, colon === -1 ? entry : entry.slice(colon + 1).trim());
      return { label: label || address, address };
    });
}

function parseProxies(env: Env): X402Proxy[] {
  const value = raw(env, "X402_PROXY_ADDRESSES");
  if (value === undefined) {
    return MAINNET.x402Proxies.map((p) => ({ scheme: p.scheme, address: p.address.toLowerCase() as Address }));
  }
  const known = new Map(MAINNET.x402Proxies.map((p) => [p.address.toLowerCase(), p.scheme]));
  return parseLabelledAddresses(env, "X402_PROXY_ADDRESSES").map(({ label, address }) => ({
    address,
    scheme: label !== address ? label : (known.get(address) ?? "unknown"),
  }));
}

export const MIN_POLLING_INTERVAL_MS = 100;

export function resolveConfig(env: Env = process.env): AppConfig {
  const pollingIntervalMs = parsePositiveInt(env, "RPC_POLLING_INTERVAL_MS", 1000);
  // Each poll waits for the previous one (patches/ponder), so a short interval cannot flood the
  // request queue; below 100 ms it would only keep the provider busy answering "no new block".
  if (pollingIntervalMs < MIN_POLLING_INTERVAL_MS) {
    throw new ConfigError("RPC_POLLING_INTERVAL_MS", `must be at least ${MIN_POLLING_INTERVAL_MS}`, String(pollingIntervalMs));
  }
  // Ponder reads this one itself (patches/ponder), before this config is loaded: a bad value is
  // refused here, by name, rather than becoming a NaN batch size.
  parsePositiveInt(env, "PONDER_SYNC_EVENTS_QUERY_SIZE", 12_000);
  const chains = {
    base: {
      id: CHAIN_IDS.base,
      rpc: parseUrls(env, "PONDER_RPC_URL_8453", "https://mainnet.base.org"),
      pollingIntervalMs,
    },
    opengradient: {
      id: CHAIN_IDS.opengradient,
      rpc: parseUrls(env, "PONDER_RPC_URL_10740", "https://ogevmdevnet.opengradient.ai"),
      pollingIntervalMs,
    },
  };

  const tokenStartBlock = parseNonNegativeInt(env, "OPG_TOKEN_START_BLOCK", MAINNET.opgTokenStartBlock);
  const ogStartBlock = parseNonNegativeInt(env, "OG_START_BLOCK", MAINNET.ogStartBlock);
  const tokenAddress = raw(env, "OPG_TOKEN_ADDRESS") || MAINNET.opgToken;

  const ogSource = (addressVar: string, chainVar: string, fallback: string | undefined) => {
    const address = optionalAddress(env, addressVar, fallback);
    const chain = parseChain(env, chainVar);
    return address ? { chain, address, startBlock: ogStartBlock } : null;
  };

  const proxies = parseProxies(env);
  const teeRegistries = parseAddressList(env, "TEE_REGISTRY_ADDRESS", MAINNET.teeRegistries.join(","));
  const databaseUrl = raw(env, "DATABASE_URL");
  const databaseSchema = raw(env, "DATABASE_SCHEMA") || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL", "must be a postgres:// or postgresql:// connection string", databaseUrl);
  }
  if (databaseSchema && !/^[A-Za-z_][A-Za-z0-9_]{0,44}$/.test(databaseSchema)) {
    throw new ConfigError("DATABASE_SCHEMA", "must be a SQL identifier of at most 45 characters", databaseSchema);
  }

  const x402StartBlock = parseNonNegativeInt(env, "X402_START_BLOCK", tokenStartBlock);
  if (proxies.length > 0 && x402StartBlock < tokenStartBlock) {
    // A payment is paired with the OPG transfer the token source saw in the same transaction.
    throw new ConfigError("X402_START_BLOCK", `must not be before OPG_TOKEN_START_BLOCK (${tokenStartBlock})`, String(x402StartBlock));
  }

  return {
    chains,
    token: { chain: "base", address: parseAddress("OPG_TOKEN_ADDRESS", tokenAddress), startBlock: tokenStartBlock },
    x402: proxies.length === 0 ? null : { chain: "base", startBlock: x402StartBlock, proxies },
    settlementRelay: ogSource("SETTLEMENT_RELAY_ADDRESS", "SETTLEMENT_CHAIN", undefined),
    teeRegistry: teeRegistries
      ? { chain: parseChain(env, "TEE_REGISTRY_CHAIN"), addresses: teeRegistries, startBlock: ogStartBlock }
      : null,
    staking: ogSource("STAKING_ADDRESS", "STAKING_CHAIN", MAINNET.staking),
    distribution: ogSource("DISTRIBUTION_ADDRESS", "DISTRIBUTION_CHAIN", MAINNET.distribution),
    governance: ogSource("GOVERNANCE_ADDRESS", "GOVERNANCE_CHAIN", MAINNET.governance),
    reconcileIntervalBlocks: parsePositiveInt(env, "RECONCILE_INTERVAL_BLOCKS", 300),
    nonCirculating: parseLabelledAddresses(env, "NON_CIRCULATING_ADDRESSES"),
    teeHeartbeatMaxAgeSeconds: raw(env, "TEE_HEARTBEAT_MAX_AGE_SECONDS") ? parsePositiveInt(env, "TEE_HEARTBEAT_MAX_AGE_SECONDS", 0) : null,
    database: databaseUrl
      ? { kind: "postgres", connectionString: databaseUrl, schema: databaseSchema }
      : { kind: "pglite", directory: raw(env, "PGLITE_DIRECTORY") || ".ponder/pglite" },
    port: parsePositiveInt(env, "PORT", 42069),
  };
}
