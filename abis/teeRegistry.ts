export const teeRegistryAbi = [
  {
    type: "event",
    name: "TEETypeAdded",
    inputs: [
      { name: "typeId", type: "uint8", indexed: true },
      { name: "name", type: "string", indexed: false },
    ],
  },
  {
    type: "event",
    name: "PCRApproved",
    inputs: [
      { name: "pcrHash", type: "bytes32", indexed: true },
      { name: "teeType", type: "uint8", indexed: true },
      { name: "version", type: "string", indexed: false },
    ],
  },
  {
    type: "event",
    name: "PCRRevoked",
    inputs: [
      { name: "pcrHash", type: "bytes32", indexed: true },
      { name: "teeType", type: "uint8", indexed: true },
    ],
  },
  {
    type: "event",
    name: "TEERegistered",
    inputs: [
      { name: "teeId", type: "bytes32", indexed: true },
      { name: "owner", type: "address", indexed: true },
      { name: "teeType", type: "uint8", indexed: false },
    ],
  },
  { type: "event", name: "TEEDisabled", inputs: [{ name: "teeId", type: "bytes32", indexed: true }] },
  { type: "event", name: "TEEEnabled", inputs: [{ name: "teeId", type: "bytes32", indexed: true }] },
  {
    type: "event",
    name: "AWSCertificateUpdated",
    inputs: [{ name: "certHash", type: "bytes32", indexed: true }],
  },
  {
    type: "event",
    name: "HeartbeatReceived",
    inputs: [
      { name: "teeId", type: "bytes32", indexed: true },
      { name: "timestamp", type: "uint256", indexed: false },
    ],
  },
  { type: "function", name: "heartbeatMaxAge", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "uint256" }] },
] as const;
