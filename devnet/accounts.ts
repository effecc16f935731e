import { type Address, keccak256, toHex } from "viem";

/** Anvil's first default account: deploys everything and owns the test contracts. */
export const DEPLOYER: Address = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

/** A stable, distinct address per role and index, usable as a sender thanks to anvil's auto-impersonation. */
export function actor(role: string, index = 0): Address {
  return `0x${keccak256(toHex(`${role}:${index}`)).slice(-40)}` as Address;
}

export const TREASURY = actor("treasury");
