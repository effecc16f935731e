import { type Address, parseAbi } from "viem";
import { stakingAbi } from "../abis/staking";
import type { DevChain } from "./chain";
import type { Artifact } from "./contracts";

/** Where the OpenGradient chain has its precompiles; the doubles go to the same addresses. */
export const STAKING_PRECOMPILE: Address = "0x0000000000000000000000000000000000000800";
export const DISTRIBUTION_PRECOMPILE: Address = "0x0000000000000000000000000000000000000801";

/**
 * The simulator seals about one OpenGradient block per simulated hour, so reconciling every 6
 * blocks reads the validators a few times a simulated day, as 300 blocks do on the real chain.
 */
export const RECONCILE_EVERY_BLOCKS = 6;

export const stakingDoubleAbi = parseAbi([
  "function createValidator(string moniker, uint256 commissionRate, uint256 minSelfDelegation, uint256 value)",
  "function editValidator(int256 commissionRate, int256 minSelfDelegation)",
  "function delegate(address validatorAddress, uint256 amount)",
  "function undelegate(address validatorAddress, uint256 amount) returns (uint256)",
  "function redelegate(address validatorSrcAddress, address validatorDstAddress, uint256 amount) returns (uint256)",
  "function cancelUnbondingDelegation(address validatorAddress, uint256 amount, uint256 creationHeight)",
  "function slash(address validatorAddress, uint256 amount)",
  "function jail(address validatorAddress)",
  "function genesisValidator(address operator, string moniker, uint256 commissionRate, uint256 tokens)",
  "function delegation(address delegatorAddress, address validatorAddress) view returns (uint256 shares, uint256 balance)",
  "function unbondingEntry(address delegatorAddress, address validatorAddress, uint256 creationHeight) view returns (uint256 balance, uint256 completionTime)",
]);

export const distributionDoubleAbi = parseAbi([
  "function claimRewards(uint256 amount)",
  "function withdrawDelegatorRewards(address validatorAddress, uint256 amount)",
  "function withdrawValidatorCommission(string validatorAddress)",
  "function accrueRewards(address validatorAddress, uint256 delegatorRewards, uint256 commission)",
  "function depositValidatorRewardsPool(address validatorAddress, uint256 amount)",
  "function commissionWithdrawn(address) view returns (uint256)",
  "function delegatorRewardsOf(address) view returns (uint256)",
  "function valoperOf(address) pure returns (string)",
  "function validatorOutstandingRewards(string) view returns ((string denom, uint256 amount, uint8 precision)[])",
  "function validatorCommission(string) view returns ((string denom, uint256 amount, uint8 precision)[])",
]);

/** Places both doubles at the precompile addresses and returns the indexer's environment for them. */
export async function placeStakingDoubles(og: DevChain, artifacts: Record<string, Artifact>) {
  await og.placeAt(artifacts.StakingPrecompileDouble!, STAKING_PRECOMPILE);
  await og.placeAt(artifacts.DistributionPrecompileDouble!, DISTRIBUTION_PRECOMPILE);
  return { STAKING_ADDRESS: STAKING_PRECOMPILE, DISTRIBUTION_ADDRESS: DISTRIBUTION_PRECOMPILE };
}

/** Reads the double's own view of a validator, as the indexer's reconciliation does. */
export async function chainValidator(og: DevChain, validator: Address, blockNumber?: bigint) {
  return og.client.readContract({
    abi: stakingAbi,
    address: STAKING_PRECOMPILE,
    functionName: "validator",
    args: [validator],
    blockNumber,
  });
}

export async function delegationBalance(og: DevChain, delegator: Address, validator: Address, blockNumber?: bigint) {
  const [, balance] = await og.client.readContract({
    abi: stakingDoubleAbi,
    address: STAKING_PRECOMPILE,
    functionName: "delegation",
    args: [delegator, validator],
    blockNumber,
  });
  return balance;
}

/** Transactions against the doubles, sent by the acting account (anvil impersonates any address). */
export const stakingTx = (og: DevChain) => ({
  createValidator: (validator: Address, moniker: string, commissionRate: bigint, value: bigint) =>
    og.write(validator, STAKING_PRECOMPILE, stakingDoubleAbi, "createValidator", [moniker, commissionRate, 0n, value]),
  editCommission: (validator: Address, commissionRate: bigint) =>
    og.write(validator, STAKING_PRECOMPILE, stakingDoubleAbi, "editValidator", [commissionRate, -1n]),
  delegate: (delegator: Address, validator: Address, amount: bigint) =>
    og.write(delegator, STAKING_PRECOMPILE, stakingDoubleAbi, "delegate", [validator, amount]),
  undelegate: (delegator: Address, validator: Address, amount: bigint) =>
    og.write(delegator, STAKING_PRECOMPILE, stakingDoubleAbi, "undelegate", [validator, amount]),
  redelegate: (delegator: Address, source: Address, destination: Address, amount: bigint) =>
    og.write(delegator, STAKING_PRECOMPILE, stakingDoubleAbi, "redelegate", [source, destination, amount]),
  cancelUnbonding: (delegator: Address, validator: Address, amount: bigint, creationHeight: bigint) =>
    og.write(delegator, STAKING_PRECOMPILE, stakingDoubleAbi, "cancelUnbondingDelegation", [validator, amount, creationHeight]),
  slash: (validator: Address, amount: bigint) => og.write(validator, STAKING_PRECOMPILE, stakingDoubleAbi, "slash", [validator, amount]),
  jail: (validator: Address) => og.write(validator, STAKING_PRECOMPILE, stakingDoubleAbi, "jail", [validator]),
  claimRewards: (delegator: Address, amount: bigint) =>
    og.write(delegator, DISTRIBUTION_PRECOMPILE, distributionDoubleAbi, "claimRewards", [amount]),
  withdrawDelegatorRewards: (delegator: Address, validator: Address, amount: bigint) =>
    og.write(delegator, DISTRIBUTION_PRECOMPILE, distributionDoubleAbi, "withdrawDelegatorRewards", [validator, amount]),
  /** Consensus' reward allocation, which emits no EVM log; any sender may stand in for consensus. */
  accrueRewards: (sender: Address, validator: Address, delegatorRewards: bigint, commission: bigint) =>
    og.write(sender, DISTRIBUTION_PRECOMPILE, distributionDoubleAbi, "accrueRewards", [validator, delegatorRewards, commission]),
  /** Sent by `sender` (the validator, or a contract acting as one), naming the validator by its valoper string. */
  withdrawCommission: (sender: Address, valoper: string) =>
    og.write(sender, DISTRIBUTION_PRECOMPILE, distributionDoubleAbi, "withdrawValidatorCommission", [valoper]),
  genesisValidator: (operator: Address, moniker: string, commissionRate: bigint, tokens: bigint) =>
    og.write(operator, STAKING_PRECOMPILE, stakingDoubleAbi, "genesisValidator", [operator, moniker, commissionRate, tokens]),
  depositRewardsPool: (depositor: Address, validator: Address, amount: bigint) =>
    og.write(depositor, DISTRIBUTION_PRECOMPILE, distributionDoubleAbi, "depositValidatorRewardsPool", [validator, amount]),
});
