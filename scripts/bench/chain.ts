import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { type Address, encodeFunctionData } from "viem";
import { DEPLOYER, TREASURY } from "../../devnet/accounts";
import { DevChain } from "../../devnet/chain";
import { startDevnet } from "../../devnet/devnet";
import { projectRoot } from "../../devnet/indexer";

/** The simulated span: the 90 days, one block an hour at most. */
const DAYS = 90;
const MAX_BLOCKS = DAYS * 24;
/** Gas per transfer in `scatter`, with room: a fresh holder costs a 20k SSTORE. */
const GAS_PER_TRANSFER = 60_000n;

export type BenchChain = {
  base: DevChain;
  og: DevChain;
  env: Record<string, string>;
  meta: ChainMeta;
  stop: () => Promise<void>;
};

export type ChainMeta = {
  events: number;
  holders: number;
  blocks: number;
  days: number;
  genesisTimestamp: number;
  busyAccount: Address;
  busyAccountTransfers: number;
  /** The devnet's environment without the RPC URLs, which change with every anvil. */
  env: Record<string, string>;
};

const holderAddress = (index: number) => `0x${(0x100000 + index).toString(16).padStart(40, "0")}` as Address;

/** The chain is cached per event count and per contract source: a changed token or double builds anew. */
function cacheDirectory(events: number) {
  const contracts = path.join(projectRoot, "devnet/contracts");
  const hash = createHash("sha256");
  for (const file of readdirSync(contracts).sort()) hash.update(file).update(readFileSync(path.join(contracts, file)));
  const key = hash.digest("hex").slice(0, 10);
  return path.join(projectRoot, ".bench", `chain-${events}-${key}`);
}

/** The JSON `--load-state` reads, from the gzipped hex that anvil_dumpState returned (written once). */
function stateFile(directory: string, chain: "base" | "og") {
  const json = path.join(directory, `${chain}.state.json`);
  if (!existsSync(json)) {
    const dumped = readFileSync(path.join(directory, `${chain}.state`), "utf8")
      .trim()
      .replace(/^"?0x|"$/g, "");
    writeFileSync(json, gunzipSync(Buffer.from(dumped, "hex")));
  }
  return json;
}

/** JSON-RPC without viem's 10 MB response cap: a dumped state runs to hundreds of megabytes. */
async function rawRpc(url: string, method: string, params: unknown[] = []): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return typeof body.result === "string" ? body.result : JSON.stringify(body.result);
}

const withUrls = (env: Record<string, string>, base: DevChain, og: DevChain) => ({
  ...env,
  PONDER_RPC_URL_8453: base.url,
  PONDER_RPC_URL_10740: og.url,
});

/**
 * Two anvil chains holding `events` OPG transfers (the mint included) over 90 days, built once with
 * `scatter` (hundreds of real transfers per transaction), dumped with anvil_dumpState and loaded
 * into fresh anvils by every later run with the same count.
 */
export async function benchChain(events: number, log: (message: string) => void): Promise<BenchChain> {
  const directory = cacheDirectory(events);
  const metaFile = path.join(directory, "meta.json");
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as ChainMeta;
    log(`loading the ${events}-event chain from ${path.relative(projectRoot, directory)}`);
    // Loaded at start from a file: anvil refuses an anvil_loadState request over its 2 MB body limit.
    const [base, og] = await Promise.all([
      DevChain.start(8453, meta.genesisTimestamp, { loadState: stateFile(directory, "base") }),
      DevChain.start(10740, meta.genesisTimestamp, { loadState: stateFile(directory, "og") }),
    ]);
    // A loaded anvil keeps the latest state only, so the OpenGradient sources (no traffic in the bench)
    // start at its head: their reads at the start block (the validator enumeration) need that state.
    const env = { ...withUrls(meta.env, base, og), OG_START_BLOCK: String(await og.blockNumber()) };
    return { base, og, meta, env, stop: () => Promise.all([base.stop(), og.stop()]).then(() => {}) };
  }

  const genesisTimestamp = Math.floor(Date.now() / 1000) - (DAYS + 1) * 86_400;
  const devnet = await startDevnet({ genesisTimestamp });
  const { base, og } = devnet;
  const artifact = devnet.artifacts.BenchToken!;
  const token = await base.deploy(DEPLOYER, artifact, [TREASURY]);
  const transfers = events - 1;
  const holders = Math.max(10, Math.round(events / 20));
  const blocks = Math.min(MAX_BLOCKS, Math.max(1, Math.ceil(transfers / 8)));
  const perBlock = Math.ceil(transfers / blocks);
  const spacing = Math.floor((DAYS * 86_400) / blocks);
  const started = performance.now();
  let sent = 0;
  for (let block = 0; sent < transfers; block++) {
    const count = Math.min(perBlock, transfers - sent);
    const data = encodeFunctionData({ abi: artifact.abi, functionName: "scatter", args: [BigInt(block), BigInt(count), BigInt(holders)] });
    await base.send({ from: DEPLOYER, to: token, data, gas: 100_000n + GAS_PER_TRANSFER * BigInt(count) });
    base.advance(spacing);
    await base.mine();
    sent += count;
    if (block % 100 === 0 || sent === transfers) {
      log(`building the chain: ${sent}/${transfers} transfers, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }

  const busyAccount = holderAddress(0);
  const head = await base.blockNumber();
  let busyTransfers = 0;
  for (let from = 0n; from <= head; from += 200n) {
    for (const side of ["from", "to"] as const) {
      const logs = await base.client.getLogs({
        address: token,
        event: {
          type: "event",
          name: "Transfer",
          inputs: [
            { type: "address", name: "from", indexed: true },
            { type: "address", name: "to", indexed: true },
            { type: "uint256", name: "value" },
          ],
        },
        args: { [side]: busyAccount },
        fromBlock: from,
        toBlock: from + 199n,
      });
      busyTransfers += logs.length;
    }
  }
  const { PONDER_RPC_URL_8453: _base, PONDER_RPC_URL_10740: _og, ...env } = devnet.env;
  const meta: ChainMeta = {
    events,
    holders,
    blocks: Number(await base.blockNumber()),
    days: DAYS,
    genesisTimestamp,
    busyAccount,
    busyAccountTransfers: busyTransfers,
    env: { ...env, OPG_TOKEN_ADDRESS: token },
  };
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, "base.state"), await rawRpc(base.url, "anvil_dumpState"));
  writeFileSync(path.join(directory, "og.state"), await rawRpc(og.url, "anvil_dumpState"));
  writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  log(`chain built and saved in ${path.relative(projectRoot, directory)}`);
  return { base, og, meta, env: withUrls(meta.env, base, og), stop: devnet.stop };
}
