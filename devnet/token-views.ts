import type { Address } from "viem";
import { opgTokenAbi } from "../abis/opgToken";
import type { Devnet } from "./devnet";

/** The token contract's own views at one block: what the end-to-end suites hold the API's answers to. */
export function tokenViews(devnet: Devnet, blockNumber: bigint) {
  const read = (functionName: "totalSupply" | "balanceOf", args: [Address] | []) =>
    devnet.base.client.readContract({ address: devnet.token, abi: opgTokenAbi, functionName, args, blockNumber } as any) as Promise<bigint>;
  return {
    totalSupply: async () => (await read("totalSupply", [])).toString(),
    balanceOf: async (address: Address) => (await read("balanceOf", [address])).toString(),
  };
}
