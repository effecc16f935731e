export const settlementRelayAbi = [
  {
    type: "event",
    name: "BatchSettlement",
    inputs: [
      { name: "merkleRoot", type: "bytes32", indexed: true },
      { name: "batchSize", type: "uint256", indexed: false },
      { name: "walrusBlobId", type: "bytes", indexed: false },
    ],
  },
  {
    type: "event",
    name: "IndividualSettlement",
    inputs: [
      { name: "teeId", type: "bytes32", indexed: true },
      { name: "ethAddress", type: "address", indexed: true },
      { name: "inputHash", type: "bytes32", indexed: false },
      { name: "outputHash", type: "bytes32", indexed: false },
      { name: "timestamp", type: "uint256", indexed: false },
      { name: "walrusBlobId", type: "bytes", indexed: false },
      { name: "signature", type: "bytes", indexed: false },
    ],
  },
] as const;
