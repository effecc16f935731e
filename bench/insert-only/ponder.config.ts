import { createConfig } from "ponder";
import { opgTokenAbi } from "../../abis/opgToken";

/** The benchmark's floor: a bare Ponder app that only inserts the OPG transfers it sees (the sync and Ponder's own cost). */
export default createConfig({
  database: { kind: "pglite", directory: process.env.PGLITE_DIRECTORY ?? ".ponder/pglite" },
  chains: {
    base: { id: 8453, rpc: process.env.PONDER_RPC_URL_8453!, pollingInterval: Number(process.env.RPC_POLLING_INTERVAL_MS ?? 1000) },
  },
  contracts: {
    OPGToken: {
      abi: opgTokenAbi,
      chain: "base",
      address: process.env.OPG_TOKEN_ADDRESS as `0x${string}`,
      startBlock: Number(process.env.OPG_TOKEN_START_BLOCK ?? 0),
    },
  },
});
