import type { Address } from "viem";
import { DEPLOYER, TREASURY } from "./accounts";
import { DevChain } from "./chain";
import { type Artifact, compileContracts } from "./contracts";
import { placeGovernanceDouble } from "./governance";
import { placeStakingDoubles, RECONCILE_EVERY_BLOCKS } from "./staking";

/**
 * Two local chains shaped like production: "base" (8453) carries the OPG token, "opengradient"
 * (10740) the staking, distribution, governance and verification contracts. `env` is what the indexer needs
 * to follow them.
 */
export type Devnet = {
  base: DevChain;
  og: DevChain;
  artifacts: Record<string, Artifact>;
  token: Address;
  /** The two x402 proxy doubles, as X402_PROXY_ADDRESSES names them. */
  x402: { exact: Address; upto: Address };
  env: Record<string, string>;
  stop: () => Promise<void>;
};

export async function startDevnet(options: { genesisTimestamp?: number } = {}): Promise<Devnet> {
  const artifacts = compileContracts();
  const genesisTimestamp = options.genesisTimestamp ?? Math.floor(Date.now() / 1000) - 35 * 86_400;
  const [base, og] = await Promise.all([DevChain.start(8453, genesisTimestamp), DevChain.start(10740, genesisTimestamp)]);
  try {
    const token = await base.deploy(DEPLOYER, artifacts.OPGToken!, [TREASURY]);
    const x402 = {
      exact: await base.deploy(DEPLOYER, artifacts.X402ProxyDouble!),
      upto: await base.deploy(DEPLOYER, artifacts.X402ProxyDouble!),
    };
    const teeRegistry = await og.deploy(DEPLOYER, artifacts.TEERegistryDouble!);
    const settlementRelay = await og.deploy(DEPLOYER, artifacts.InferenceSettlementRelayDouble!);
    const env: Record<string, string> = {
      PONDER_RPC_URL_8453: base.url,
      PONDER_RPC_URL_10740: og.url,
      OPG_TOKEN_ADDRESS: token,
      OPG_TOKEN_START_BLOCK: "0",
      OG_START_BLOCK: "0",
      X402_PROXY_ADDRESSES: `exact:${x402.exact},upto:${x402.upto}`,
      X402_START_BLOCK: "0",
      SETTLEMENT_RELAY_ADDRESS: settlementRelay,
      TEE_REGISTRY_ADDRESS: teeRegistry,
      ...(await placeStakingDoubles(og, artifacts)),
      ...(await placeGovernanceDouble(og, artifacts)),
      RECONCILE_INTERVAL_BLOCKS: String(RECONCILE_EVERY_BLOCKS),
      NON_CIRCULATING_ADDRESSES: `treasury:${TREASURY}`,
    };
    return {
      base,
      og,
      artifacts,
      token,
      x402,
      env,
      stop: async () => {
        await Promise.all([base.stop(), og.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([base.stop(), og.stop()]);
    throw error;
  }
}
