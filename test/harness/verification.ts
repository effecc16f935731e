import { type Address, type Hex, keccak256, toHex } from "viem";
import { DEPLOYER } from "./accounts";
import type { DevChain } from "./chain";

const registryAbi = [
  { type: "function", name: "addTEEType", stateMutability: "nonpayable", inputs: [{ name: "typeId", type: "uint8" }, { name: "name", type: "string" }], outputs: [] },
  { type: "function", name: "approvePCR", stateMutability: "nonpayable", inputs: [{ name: "pcrHash", type: "bytes32" }, { name: "teeType", type: "uint8" }, { name: "version", type: "string" }], outputs: [] },
  { type: "function", name: "revokePCR", stateMutability: "nonpayable", inputs: [{ name: "pcrHash", type: "bytes32" }, { name: "teeType", type: "uint8" }], outputs: [] },
  { type: "function", name: "registerTEE", stateMutability: "nonpayable", inputs: [{ name: "teeId", type: "bytes32" }, { name: "owner", type: "address" }, { name: "teeType", type: "uint8" }], outputs: [] },
  { type: "function", name: "disableTEE", stateMutability: "nonpayable", inputs: [{ name: "teeId", type: "bytes32" }], outputs: [] },
  { type: "function", name: "enableTEE", stateMutability: "nonpayable", inputs: [{ name: "teeId", type: "bytes32" }], outputs: [] },
  { type: "function", name: "heartbeat", stateMutability: "nonpayable", inputs: [{ name: "teeId", type: "bytes32" }, { name: "timestamp", type: "uint256" }], outputs: [] },
  {
    type: "function",
    name: "tees",
    stateMutability: "view",
    inputs: [{ name: "teeId", type: "bytes32" }],
    outputs: [
      { name: "owner", type: "address" },
      { name: "teeType", type: "uint8" },
      { name: "registered", type: "bool" },
      { name: "enabled", type: "bool" },
      { name: "registeredAt", type: "uint256" },
      { name: "lastHeartbeatAt", type: "uint256" },
      { name: "heartbeats", type: "uint256" },
    ],
  },
] as const;

const relayAbi = [
  {
    type: "function",
    name: "settleIndividual",
    stateMutability: "nonpayable",
    inputs: [
      { name: "teeId", type: "bytes32" },
      { name: "ethAddress", type: "address" },
      { name: "inputHash", type: "bytes32" },
      { name: "outputHash", type: "bytes32" },
      { name: "timestamp", type: "uint256" },
      { name: "walrusBlobId", type: "bytes" },
      { name: "signature", type: "bytes" },
    ],
    outputs: [],
  },
  { type: "function", name: "batchSettle", stateMutability: "nonpayable", inputs: [{ name: "merkleRoot", type: "bytes32" }, { name: "batchSize", type: "uint256" }, { name: "walrusBlobId", type: "bytes" }], outputs: [] },
  { type: "function", name: "individualCount", stateMutability: "view", inputs: [], outputs: [{ type: "uint256" }] },
  { type: "function", name: "batchCount", stateMutability: "view", inputs: [], outputs: [{ type: "uint256" }] },
  { type: "function", name: "batchedInferences", stateMutability: "view", inputs: [], outputs: [{ type: "uint256" }] },
] as const;

/** A stable 32-byte id from a label: TEE ids, PCR hashes, inference hashes. */
export const id32 = (label: string): Hex => keccak256(toHex(label));

/** A Walrus blob id as the relay carries it: opaque bytes. */
export const blobId = (label: string): Hex => toHex(`walrus:${label}`);

export type Settlement = { teeId: Hex; user: Address; inputHash: Hex; outputHash: Hex; inferenceTimestamp: number };

/** Drives the TEERegistry and InferenceSettlementRelay doubles on the OpenGradient devnet chain. */
export class VerificationContracts {
  constructor(
    readonly chain: DevChain,
    readonly registry: Address,
    readonly relay: Address,
  ) {}

  addType(typeId: number, name: string) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "addTEEType", [typeId, name]);
  }

  approvePcr(pcrHash: Hex, teeType: number, version: string) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "approvePCR", [pcrHash, teeType, version]);
  }

  revokePcr(pcrHash: Hex, teeType: number) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "revokePCR", [pcrHash, teeType]);
  }

  register(teeId: Hex, owner: Address, teeType: number) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "registerTEE", [teeId, owner, teeType]);
  }

  disable(teeId: Hex) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "disableTEE", [teeId]);
  }

  enable(teeId: Hex) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "enableTEE", [teeId]);
  }

  heartbeat(teeId: Hex, timestamp: number) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "heartbeat", [teeId, BigInt(timestamp)]);
  }

  settle(settlement: Settlement) {
    return this.chain.write(DEPLOYER, this.relay, relayAbi, "settleIndividual", [
      settlement.teeId,
      settlement.user,
      settlement.inputHash,
      settlement.outputHash,
      BigInt(settlement.inferenceTimestamp),
      blobId(settlement.inputHash),
      toHex("signature-not-checked-by-the-double"),
    ]);
  }

  batch(merkleRoot: Hex, batchSize: number) {
    return this.chain.write(DEPLOYER, this.relay, relayAbi, "batchSettle", [merkleRoot, BigInt(batchSize), blobId(merkleRoot)]);
  }

  async tee(teeId: Hex) {
    const [owner, teeType, registered, enabled, registeredAt, lastHeartbeatAt, heartbeats] = await this.chain.client.readContract({
      address: this.registry,
      abi: registryAbi,
      functionName: "tees",
      args: [teeId],
    });
    return { owner, teeType, registered, enabled, registeredAt, lastHeartbeatAt, heartbeats };
  }

  async relayTotals() {
    const read = (functionName: "individualCount" | "batchCount" | "batchedInferences") =>
      this.chain.client.readContract({ address: this.relay, abi: relayAbi, functionName });
    const [individual, batches, batched] = await Promise.all([read("individualCount"), read("batchCount"), read("batchedInferences")]);
    return { individual, batches, batched };
  }
}
