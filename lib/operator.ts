import { bech32 } from "@scure/base";
import { type Address, getAddress, hexToBytes, keccak256, toBytes } from "viem";

/**
 * How the Cosmos EVM precompiles spell a validator. `validator().operatorAddress` is the EIP-55 hex
 * of the operator, but distribution transactions take the bech32 valoper string and
 * `WithdrawValidatorCommission` indexes the string the caller sent (cosmos/evm
 * precompiles/distribution tx.go and events.go), so its topic is keccak256 of that bech32 text.
 * OpenGradient's prefix is "og" (og-evm evmd/config/bech32.go).
 */
export const VALOPER_PREFIX = "ogvaloper";

export function valoperAddress(operator: Address): string {
  return bech32.encode(VALOPER_PREFIX, bech32.toWords(hexToBytes(operator)));
}

/** Bech32 decoders accept all lower or all upper case, so either spelling can name a validator in a log. */
export function commissionTopics(operator: Address): `0x${string}`[] {
  const text = valoperAddress(operator);
  return [keccak256(toBytes(text)), keccak256(toBytes(text.toUpperCase()))];
}

/** `operatorAddress` from the staking precompile's views, as the indexer's lower-case address. */
export function operatorFromView(operatorAddress: string): `0x${string}` {
  return getAddress(operatorAddress).toLowerCase() as `0x${string}`;
}

/**
 * A DecCoin list from a distribution view, as whole base units per denom: the amount is the scaled
 * integer of an sdk.LegacyDec with `precision` decimals, so the fraction of a base unit is dropped.
 */
export function decCoinsToCoins(coins: readonly { denom: string; amount: bigint; precision: number }[]) {
  return coins.map((coin) => ({ denom: coin.denom, amount: (coin.amount / 10n ** BigInt(coin.precision)).toString() }));
}
