import { createConfig } from "ponder";
import { opgTokenAbi } from "../../abis/opgToken";

/**
 * The benchmark's yardstick, the one issue 11 names: Ponder's `examples/reference-erc20` (0.16.10),
 * its schema and handlers rewritten for this chain: account balances, transfer and approval events,
 * allowances.
 */
export default createConfig({
  database: { kind: "pglite", directory: process.env.PGLITE_DIRECTORY ?? ".ponder/pglite" },
  chains: {
    base: { id: 8453, rpc: process.env.PONDER_RPC_URL_8453!, pollingInterval: Number(process.env.RPC_POLLING_INTERVAL_MS ?? 1000) },
  },
  contracts: {
    ERC20: {
      abi: opgTokenAbi,
      chain: "base",
      address: process.env.OPG_TOKEN_ADDRESS as `0x${string}`,
      startBlock: Number(process.env.OPG_TOKEN_START_BLOCK ?? 0),
    },
  },
});
