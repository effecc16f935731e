import { createConfig } from "ponder";
import { distributionAbi } from "./abis/distribution";
import { governanceAbi } from "./abis/governance";
import { opgTokenAbi } from "./abis/opgToken";
import { settlementRelayAbi } from "./abis/settlementRelay";
import { stakingAbi } from "./abis/staking";
import { teeRegistryAbi } from "./abis/teeRegistry";
import { x402ProxyAbi } from "./abis/x402Proxy";
import { CHAIN_NAMES, type SourceLocation } from "./lib/config";
import { appConfig as config } from "./lib/env";

/**
 * A source that is switched off keeps its name with no chains, so its handlers still register
 * but Ponder fetches nothing for it.
 */
function on(source: SourceLocation | null, extra: Record<string, unknown> = {}) {
  if (!source) return {};
  return { [source.chain]: { address: source.address, startBlock: source.startBlock, ...extra } };
}

const chains = Object.fromEntries(
  CHAIN_NAMES.map((name) => [
    name,
    { id: config.chains[name].id, rpc: config.chains[name].rpc, pollingInterval: config.chains[name].pollingIntervalMs },
  ]),
) as Record<(typeof CHAIN_NAMES)[number], { id: number; rpc: string[]; pollingInterval: number }>;

export default createConfig({
  database:
    config.database.kind === "postgres"
      ? { kind: "postgres", connectionString: config.database.connectionString }
      : { kind: "pglite", directory: config.database.directory },
  chains,
  contracts: {
    OPGToken: { abi: opgTokenAbi, chain: on(config.token) },
    X402Proxy: {
      abi: x402ProxyAbi,
      chain: config.x402
        ? {
            [config.x402.chain]: {
              address: config.x402.proxies.map((p) => p.address),
              startBlock: config.x402.startBlock,
            },
          }
        : {},
    },
    SettlementRelay: { abi: settlementRelayAbi, chain: on(config.settlementRelay) },
    TEERegistry: {
      abi: teeRegistryAbi,
      chain: config.teeRegistry
        ? { [config.teeRegistry.chain]: { address: config.teeRegistry.addresses, startBlock: config.teeRegistry.startBlock } }
        : {},
    },
    Staking: { abi: stakingAbi, chain: on(config.staking) },
    Distribution: { abi: distributionAbi, chain: on(config.distribution) },
    Governance: { abi: governanceAbi, chain: on(config.governance) },
  },
  blocks: {
    TEERegistryReconciliation: {
      chain: config.teeRegistry
        ? { [config.teeRegistry.chain]: { startBlock: config.teeRegistry.startBlock, interval: config.reconcileIntervalBlocks } }
        : {},
    },
    StakingReconciliation: {
      chain: config.staking
        ? { [config.staking.chain]: { startBlock: config.staking.startBlock, interval: config.reconcileIntervalBlocks } }
        : {},
    },
    /** Every block, but it reads the chain only at the reconcile interval or when a proposal's end time has come. */
    GovernanceReconciliation: {
      chain: config.governance ? { [config.governance.chain]: { startBlock: config.governance.startBlock, interval: 1 } } : {},
    },
  },
});
