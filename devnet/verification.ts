import { type Address, type Hex, keccak256, parseAbi, toHex } from "viem";
import { DEPLOYER } from "./accounts";
import type { DevChain } from "./chain";

const registryAbi = parseAbi([
  "function addTEEType(uint8 typeId, string name)",
  "function approvePCR(bytes32 pcrHash, uint8 teeType, string version)",
  "function revokePCR(bytes32 pcrHash, uint8 teeType)",
  "function registerTEE(bytes32 teeId, address owner, uint8 teeType, bytes32 pcrHash)",
  "function disableTEE(bytes32 teeId)",
  "function enableTEE(bytes32 teeId)",
  "function heartbeat(bytes32 teeId, uint256 timestamp)",
  "function setHeartbeatMaxAge(uint256 maxAge)",
  "function heartbeatMaxAge() view returns (uint256)",
  "function heartbeats(bytes32 teeId) view returns (uint256)",
  "function isTEEActive(bytes32 teeId) view returns (bool)",
  "struct TEEInfo { address owner; address paymentAddress; string endpoint; bytes publicKey; bytes tlsCertificate; bytes32 pcrHash; uint8 teeType; bool enabled; uint256 registeredAt; uint256 lastHeartbeatAt; }",
  "function getTEE(bytes32 teeId) view returns (TEEInfo)",
]);

const relayAbi = parseAbi([
  "function settleIndividual(bytes32 teeId, address ethAddress, bytes32 inputHash, bytes32 outputHash, uint256 timestamp, bytes walrusBlobId, bytes signature)",
  "function batchSettle(bytes32 merkleRoot, uint256 batchSize, bytes walrusBlobId)",
  "function individualCount() view returns (uint256)",
  "function batchCount() view returns (uint256)",
  "function batchedInferences() view returns (uint256)",
]);

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

  register(teeId: Hex, owner: Address, teeType: number, pcrHash: Hex) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "registerTEE", [teeId, owner, teeType, pcrHash]);
  }

  setMaxAge(seconds: number) {
    return this.chain.write(DEPLOYER, this.registry, registryAbi, "setHeartbeatMaxAge", [BigInt(seconds)]);
  }

  /** The registry's own verdict at a block: what the API's state must agree with. */
  isActive(teeId: Hex, blockNumber: bigint) {
    return this.chain.client.readContract({
      address: this.registry,
      abi: registryAbi,
      functionName: "isTEEActive",
      args: [teeId],
      blockNumber,
    });
  }

  maxAge(blockNumber: bigint) {
    return this.chain.client.readContract({ address: this.registry, abi: registryAbi, functionName: "heartbeatMaxAge", blockNumber });
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
    const read = { address: this.registry, abi: registryAbi, args: [teeId] } as const;
    const [info, heartbeats] = await Promise.all([
      this.chain.client.readContract({ ...read, functionName: "getTEE" }),
      this.chain.client.readContract({ ...read, functionName: "heartbeats" }),
    ]);
    return { ...info, heartbeats };
  }

  async relayTotals() {
    const read = (functionName: "individualCount" | "batchCount" | "batchedInferences") =>
      this.chain.client.readContract({ address: this.relay, abi: relayAbi, functionName });
    const [individual, batches, batched] = await Promise.all([read("individualCount"), read("batchCount"), read("batchedInferences")]);
    return { individual, batches, batched };
  }
}
