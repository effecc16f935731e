const validatorComponents = [
  { name: "operatorAddress", type: "string" },
  { name: "consensusPubkey", type: "string" },
  { name: "jailed", type: "bool" },
  { name: "status", type: "uint8" },
  { name: "tokens", type: "uint256" },
  { name: "delegatorShares", type: "uint256" },
  {
    name: "description",
    type: "tuple",
    components: [
      { name: "moniker", type: "string" },
      { name: "identity", type: "string" },
      { name: "website", type: "string" },
      { name: "securityContact", type: "string" },
      { name: "details", type: "string" },
    ],
  },
  { name: "unbondingHeight", type: "int64" },
  { name: "unbondingTime", type: "int64" },
  { name: "commission", type: "uint256" },
  { name: "minSelfDelegation", type: "uint256" },
] as const;

/** Events and the `validator` / paged `validators` views of the Cosmos staking precompile at 0x…0800 (cosmos/evm StakingI.sol). */
export const stakingAbi = [
  {
    type: "event",
    name: "CreateValidator",
    inputs: [
      { name: "validatorAddress", type: "address", indexed: true },
      { name: "value", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "EditValidator",
    inputs: [
      { name: "validatorAddress", type: "address", indexed: true },
      { name: "commissionRate", type: "int256", indexed: false },
      { name: "minSelfDelegation", type: "int256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Delegate",
    inputs: [
      { name: "delegatorAddress", type: "address", indexed: true },
      { name: "validatorAddress", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
      { name: "newShares", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Unbond",
    inputs: [
      { name: "delegatorAddress", type: "address", indexed: true },
      { name: "validatorAddress", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
      { name: "completionTime", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Redelegate",
    inputs: [
      { name: "delegatorAddress", type: "address", indexed: true },
      { name: "validatorSrcAddress", type: "address", indexed: true },
      { name: "validatorDstAddress", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
      { name: "completionTime", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "CancelUnbondingDelegation",
    inputs: [
      { name: "delegatorAddress", type: "address", indexed: true },
      { name: "validatorAddress", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
      { name: "creationHeight", type: "uint256", indexed: false },
    ],
  },
  {
    type: "function",
    name: "validator",
    stateMutability: "view",
    inputs: [{ name: "validatorAddress", type: "address" }],
    outputs: [
      {
        name: "validator",
        type: "tuple",
        components: validatorComponents,
      },
    ],
  },
  {
    type: "function",
    name: "validators",
    stateMutability: "view",
    inputs: [
      { name: "status", type: "string" },
      {
        name: "pageRequest",
        type: "tuple",
        components: [
          { name: "key", type: "bytes" },
          { name: "offset", type: "uint64" },
          { name: "limit", type: "uint64" },
          { name: "countTotal", type: "bool" },
          { name: "reverse", type: "bool" },
        ],
      },
    ],
    outputs: [
      { name: "validators", type: "tuple[]", components: validatorComponents },
      {
        name: "pageResponse",
        type: "tuple",
        components: [
          { name: "nextKey", type: "bytes" },
          { name: "total", type: "uint64" },
        ],
      },
    ],
  },
] as const;
