import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import {
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  createPublicClient,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { track } from "./children";
import type { Artifact } from "./contracts";

const require = createRequire(import.meta.url);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function anvilBinary(): string {
  const platform = `${process.platform === "win32" ? "win32" : process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  const pkg = require.resolve(`@foundry-rs/anvil-${platform}/package.json`);
  return path.join(path.dirname(pkg), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
}

const TX_GAS = 1_000_000n;
const DEPLOY_GAS = 12_000_000n;

/**
 * One anvil chain with manual mining: transactions queue up until `mine()` seals them into one
 * block at a chosen timestamp, so a simulator can lay down weeks of history in seconds.
 * Every account is auto-impersonated, so any address can send without a key.
 */
export class DevChain {
  readonly client: PublicClient;
  private readonly nonces = new Map<string, number>();
  private pending: Hex[] = [];
  private now: number;

  private constructor(
    readonly chainId: number,
    readonly url: string,
    private readonly process: ChildProcess,
    genesisTimestamp: number,
  ) {
    // No caching: the harness mines blocks faster than viem's default 4-second block-number cache.
    this.client = createPublicClient({ transport: http(url), cacheTime: 0 });
    this.now = genesisTimestamp;
  }

  /** `loadState`: a state file as `anvil --dump-state` writes it (JSON), loaded at start. */
  static async start(chainId: number, genesisTimestamp: number, options: { loadState?: string } = {}): Promise<DevChain> {
    const port = await freePort();
    const child = track(
      spawn(
        anvilBinary(),
        [
          "--host",
          "127.0.0.1",
          "--port",
          String(port),
          "--chain-id",
          String(chainId),
          "--timestamp",
          String(genesisTimestamp),
          "--no-mining",
          "--auto-impersonate",
          "--gas-limit",
          "2000000000",
          "--accounts",
          "1",
          "--balance",
          "1000000000",
          // Free gas: any impersonated address can transact without being funded first.
          "--base-fee",
          "0",
          "--gas-price",
          "0",
          "--silent",
          ...(options.loadState ? ["--load-state", options.loadState] : []),
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      ),
    );
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const chain = new DevChain(chainId, `http://127.0.0.1:${port}`, child, genesisTimestamp);
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) throw new Error(`anvil exited: ${stderr}`);
      try {
        await chain.client.getChainId();
        return chain;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    child.kill();
    throw new Error(`anvil did not start on port ${port}: ${stderr}`);
  }

  /** Simulated wall clock: the timestamp the next mined block gets. */
  get time(): number {
    return this.now;
  }

  /** Moves the simulated clock forward to `timestamp` (never backwards: blocks must be ordered in time). */
  setTime(timestamp: number) {
    this.now = Math.max(this.now, Math.floor(timestamp));
  }

  advance(seconds: number) {
    this.now += Math.max(1, Math.floor(seconds));
  }

  async rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    return (await this.client.request({ method: method as any, params: params as any })) as T;
  }

  private async nextNonce(from: Address): Promise<number> {
    const key = from.toLowerCase();
    let nonce = this.nonces.get(key);
    if (nonce === undefined) nonce = await this.client.getTransactionCount({ address: from, blockTag: "pending" });
    this.nonces.set(key, nonce + 1);
    return nonce;
  }

  async fund(address: Address, wei = 10n ** 24n) {
    await this.rpc("anvil_setBalance", [address, `0x${wei.toString(16)}`]);
  }

  /** Queues a transaction for the next block. */
  async send(tx: { from: Address; to?: Address; data: Hex; value?: bigint; gas?: bigint }): Promise<Hex> {
    const nonce = await this.nextNonce(tx.from);
    const hash = await this.rpc<Hex>("eth_sendTransaction", [
      {
        from: tx.from,
        to: tx.to,
        data: tx.data,
        value: `0x${(tx.value ?? 0n).toString(16)}`,
        gas: `0x${(tx.gas ?? TX_GAS).toString(16)}`,
        gasPrice: "0x0",
        nonce: `0x${nonce.toString(16)}`,
      },
    ]);
    this.pending.push(hash);
    return hash;
  }

  async write<const abi extends Abi, name extends ContractFunctionName<abi, "nonpayable" | "payable">>(
    from: Address,
    to: Address,
    abi: abi,
    functionName: name,
    args: ContractFunctionArgs<abi, "nonpayable" | "payable", name>,
  ): Promise<Hex> {
    const data = encodeFunctionData({ abi, functionName, args } as any);
    return this.send({ from, to, data });
  }

  /** Seals every queued transaction into one block at the simulated time; fails if any reverted. */
  async mine(): Promise<{ number: bigint; timestamp: number }> {
    const timestamp = this.now;
    await this.rpc("evm_mine", [timestamp]);
    this.now += 1;
    const hashes = this.pending;
    this.pending = [];
    const receipts = await Promise.all(hashes.map((hash) => this.client.getTransactionReceipt({ hash })));
    const reverted = receipts.filter((r) => r.status !== "success");
    if (reverted.length > 0) {
      throw new Error(
        `${reverted.length} transaction(s) reverted on chain ${this.chainId}: ${reverted.map((r) => r.transactionHash).join(", ")}`,
      );
    }
    const number = await this.client.getBlockNumber();
    return { number, timestamp };
  }

  async deploy(from: Address, artifact: Artifact, args: readonly unknown[] = []): Promise<Address> {
    const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args } as any);
    const hash = await this.send({ from, data, gas: DEPLOY_GAS });
    await this.mine();
    const receipt = await this.client.getTransactionReceipt({ hash });
    if (!receipt.contractAddress) throw new Error("deployment produced no contract");
    return receipt.contractAddress;
  }

  /** Puts runtime code at a fixed address, as the precompile doubles need; their storage starts empty. */
  async placeAt(artifact: Artifact, address: Address): Promise<Address> {
    await this.rpc("anvil_setCode", [address, artifact.deployedBytecode]);
    return address;
  }

  /** Drops the last `depth` blocks, as a chain reorganisation does; queued transactions and nonces start over. */
  async rollback(depth: number) {
    await this.rpc("anvil_rollback", [depth]);
    this.nonces.clear();
    this.pending = [];
  }

  async blockNumber(): Promise<bigint> {
    return this.client.getBlockNumber();
  }

  async stop() {
    if (this.process.exitCode === null) {
      this.process.kill("SIGTERM");
      await new Promise((resolve) => this.process.once("exit", resolve));
    }
  }
}
