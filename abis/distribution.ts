/** cosmos/evm precompiles/common/Types.sol: an sdk.DecCoin as its scaled integer and decimals. */
const decCoin = [
  { name: "denom", type: "string" },
  { name: "amount", type: "uint256" },
  { name: "precision", type: "uint8" },
] as const;

/** Events and the accrued-reward views of the Cosmos distribution precompile at 0x…0801 (cosmos/evm DistributionI.sol). */
export const distributionAbi = [
  {
    type: "event",
    name: "ClaimRewards",
    inputs: [
      { name: "delegatorAddress", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "WithdrawDelegatorReward",
    inputs: [
      { name: "delegatorAddress", type: "address", indexed: true },
      { name: "validatorAddress", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "WithdrawValidatorCommission",
    inputs: [
      // An indexed string: only its keccak256 arrives, so handlers attribute the commission to the tx sender.
      { name: "validatorAddress", type: "string", indexed: true },
      { name: "commission", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "FundCommunityPool",
    inputs: [
      { name: "depositor", type: "address", indexed: true },
      { name: "denom", type: "string", indexed: false },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "DepositValidatorRewardsPool",
    inputs: [
      { name: "depositor", type: "address", indexed: true },
      { name: "validatorAddress", type: "address", indexed: true },
      { name: "denom", type: "string", indexed: false },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  {
    type: "function",
    name: "validatorOutstandingRewards",
    stateMutability: "view",
    inputs: [{ name: "validatorAddress", type: "string" }],
    outputs: [{ name: "coins", type: "tuple[]", components: decCoin }],
  },
  {
    type: "function",
    name: "validatorCommission",
    stateMutability: "view",
    inputs: [{ name: "validatorAddress", type: "string" }],
    outputs: [{ name: "coins", type: "tuple[]", components: decCoin }],
  },
] as const;
