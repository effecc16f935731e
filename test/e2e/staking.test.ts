import { type Address, encodeFunctionData, keccak256, parseAbi, parseAbiItem, parseEther, toBytes } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, DEPLOYER, TREASURY } from "../../devnet/accounts";
import type { Devnet } from "../../devnet/devnet";
import { Random } from "../../devnet/random";
import { delegatorAccount, StakingTraffic } from "../../devnet/simulate/staking";
import { backends, type Stack, startStack } from "../../devnet/stack";
import {
  chainValidator,
  DISTRIBUTION_PRECOMPILE,
  delegationBalance,
  distributionDoubleAbi,
  RECONCILE_EVERY_BLOCKS,
  STAKING_PRECOMPILE,
  stakingDoubleAbi,
  stakingTx,
} from "../../devnet/staking";

const tokenAbi = parseAbi([
  "function transfer(address to, uint256 value) returns (bool)",
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address) view returns (uint256)",
]);

const walletAbi = parseAbi(["function execute(address target, bytes data) returns (bytes)"]);
const commissionEvent = parseAbiItem("event WithdrawValidatorCommission(string indexed validatorAddress, uint256 commission)");

/** Validators from the genesis file: bonded with no EVM log. One withdraws commission, one never does anything. */
const GENESIS = actor("genesis-validator", 0);
const GENESIS_QUIET = actor("genesis-validator", 1);
/** Sends the transactions of a validator whose operator is a contract. */
const WALLET_OWNER = actor("wallet-owner");

const SEED = Number(process.env.STAKING_SEED ?? Date.now() % 1_000_000);
const STEPS = 48;
const STEP_SECONDS = 4 * 3600;
const SLASH_STEP = 20;

/** Mines empty blocks until the head is a reconciliation block, so the indexer has read every validator there. */
async function mineToReconciliation(devnet: Devnet) {
  while ((await devnet.og.blockNumber()) % BigInt(RECONCILE_EVERY_BLOCKS) !== 0n) await devnet.og.mine();
}

describe.each(backends)("staking on %s", (backend) => {
  let stack: Stack;
  let traffic: StakingTraffic;
  let earlyEntry: StakingTraffic["entries"][number];
  /** A validator whose operator is an OperatorWallet contract. */
  let wallet: Address;
  /** Every validator on the chain: the simulator's, the genesis ones and the contract-operated one. */
  let allValidators: Address[];

  /** Genesis validators and a contract-operated validator, with commission allocated to both that withdraw. */
  async function addOtherValidators(devnet: Devnet) {
    const tx = stakingTx(devnet.og);
    await tx.genesisValidator(GENESIS, "genesis-0", 10n ** 17n, parseEther("400000"));
    await tx.genesisValidator(GENESIS_QUIET, "genesis-1", 5n * 10n ** 16n, parseEther("250000"));
    wallet = await devnet.og.deploy(DEPLOYER, devnet.artifacts.OperatorWallet!);
    const createValidator = encodeFunctionData({
      abi: stakingDoubleAbi,
      functionName: "createValidator",
      args: ["contract-operated", 8n * 10n ** 16n, 0n, parseEther("300000")],
    });
    await devnet.og.write(WALLET_OWNER, wallet, walletAbi, "execute", [STAKING_PRECOMPILE, createValidator]);
    await tx.accrueRewards(WALLET_OWNER, GENESIS, parseEther("70"), parseEther("7"));
    await tx.accrueRewards(WALLET_OWNER, wallet, parseEther("50"), parseEther("5"));
    // Not a reconciliation block, so the commission below is the first the indexer hears of GENESIS.
    if (((await devnet.og.blockNumber()) + 1n) % BigInt(RECONCILE_EVERY_BLOCKS) === 0n) await devnet.og.mine();
    await devnet.og.mine();
    const valoperOf = (validator: Address) =>
      devnet.og.client.readContract({
        abi: distributionDoubleAbi,
        address: DISTRIBUTION_PRECOMPILE,
        functionName: "valoperOf",
        args: [validator],
      });
    // Bech32 is case-insensitive: the genesis validator names itself in upper case.
    await tx.withdrawCommission(GENESIS, (await valoperOf(GENESIS)).toUpperCase());
    const withdraw = encodeFunctionData({
      abi: distributionDoubleAbi,
      functionName: "withdrawValidatorCommission",
      args: [await valoperOf(wallet)],
    });
    await devnet.og.write(WALLET_OWNER, wallet, walletAbi, "execute", [DISTRIBUTION_PRECOMPILE, withdraw]);
    await devnet.og.mine();
  }

  /** Nine simulated days of random staking (more than the 7-day unbonding period), then one more block. */
  async function prepare(devnet: Devnet) {
    for (let i = 0; i < 8; i++) {
      await devnet.base.write(TREASURY, devnet.token, tokenAbi, "transfer", [actor("holder", i), parseEther(String(1_000_000 * (i + 1)))]);
    }
    await devnet.base.mine();
    traffic = new StakingTraffic(devnet, new Random(SEED), 4, 30, SLASH_STEP);
    await traffic.setup();
    await devnet.og.mine();
    await addOtherValidators(devnet);
    allValidators = [...traffic.validators, GENESIS, GENESIS_QUIET, wallet];
    // One unbonding on the first day, so at least one entry has matured by the end.
    const early = { delegator: delegatorAccount(800), validator: traffic.validators[0]!, amount: parseEther("2500") };
    const tx = stakingTx(devnet.og);
    await tx.delegate(early.delegator, early.validator, early.amount * 2n);
    await devnet.og.mine();
    await tx.undelegate(early.delegator, early.validator, early.amount);
    const { number: creationBlock, timestamp } = await devnet.og.mine();
    // Kept out of the simulator's list so it cannot cancel it.
    earlyEntry = { ...early, creationBlock, completionTime: timestamp + 7 * 86_400 };
    for (let step = 0; step < STEPS; step++) {
      devnet.og.setTime(devnet.og.time + STEP_SECONDS);
      await traffic.hour(step, 1 + (step % 3) / 2);
      await devnet.og.mine();
    }
    await mineToReconciliation(devnet);
  }

  const api = () => stack.indexer;
  const og = () => stack.devnet.og;

  async function settle() {
    await mineToReconciliation(stack.devnet);
    await stack.sync();
  }

  async function stakeOf(validator: Address) {
    return BigInt((await api().json(`/api/v1/nodes/${validator}`)).stake);
  }

  beforeAll(async () => {
    console.log(`staking workload seed ${SEED} (replay with STAKING_SEED=${SEED})`);
    stack = await startStack(backend, prepare);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("gives every validator the stake validator(address).tokens reports at the indexed block", async () => {
    const list = await api().json("/api/v1/staking/validators?limit=500");
    const block = BigInt(list.asOf.block);
    expect(list.data).toHaveLength(allValidators.length);
    let total = 0n;
    for (const address of allValidators) {
      const chain = await chainValidator(og(), address, block);
      const row = list.data.find((v: { address: string }) => v.address === address.toLowerCase());
      expect(row, address).toBeDefined();
      expect(BigInt(row.stake)).toBe(chain.tokens);
      expect(BigInt(row.chainTokens)).toBe(chain.tokens);
      expect(row.jailed).toBe(chain.jailed);
      expect(row.lastReconciledBlock).toBe(Number(block));
      total += chain.tokens;
    }
    const summary = await api().json("/api/v1/staking");
    expect(BigInt(summary.totalStaked)).toBe(total);
    expect(summary.validators).toBe(allValidators.length);
  });

  it("detects the slash with the amount the chain lost and marks the validator jailed", async () => {
    expect(traffic.slashes).toHaveLength(1);
    const [expected] = traffic.slashes;
    const node = await api().json(`/api/v1/nodes/${expected!.validator}`);
    expect(node.slashes).toHaveLength(1);
    expect(BigInt(node.slashes[0].amount)).toBe(expected!.amount);
    expect(node.slashes[0].jailed).toBe(true);
    expect(node.jailed).toBe(true);
    expect(node.status).toBe("unbonding");
    expect(BigInt(node.slashed)).toBe(expected!.amount);
    for (const other of traffic.validators.filter((v) => v !== expected!.validator)) {
      expect((await api().json(`/api/v1/nodes/${other}`)).slashes).toEqual([]);
    }
  });

  it("counts as unbonding exactly the double's entries whose completion time is still ahead", async () => {
    const summary = await api().json("/api/v1/staking");
    const at = BigInt(summary.asOf.opengradient.timestamp);
    let pending = 0n;
    let matured = 0;
    for (const entry of [earlyEntry, ...traffic.entries]) {
      const [balance, completionTime] = await og().client.readContract({
        abi: stakingDoubleAbi,
        address: STAKING_PRECOMPILE,
        functionName: "unbondingEntry",
        args: [entry.delegator, entry.validator, entry.creationBlock],
      });
      if (completionTime > at) pending += balance;
      else matured++;
    }
    expect(matured).toBeGreaterThan(0);
    expect(BigInt(summary.unbonding)).toBe(pending);
    // As of the same block, by its time.
    const bucket = await api().json(`/api/v1/staking?at=${at}`);
    expect(BigInt(bucket.unbonding)).toBe(pending);
    expect(bucket.totalStaked).toBe(summary.totalStaked);
  });

  it("moves stake from one validator to another on a redelegation", async () => {
    const [source, destination] = traffic.validators.filter((v) => v !== traffic.slashes[0]!.validator);
    const delegator = delegatorAccount(900);
    const tx = stakingTx(og());
    await tx.delegate(delegator, source!, parseEther("5000"));
    await og().mine();
    await settle();
    const [sourceBefore, destinationBefore] = [await stakeOf(source!), await stakeOf(destination!)];

    const moved = parseEther("1234.5");
    await tx.redelegate(delegator, source!, destination!, moved);
    await og().mine();
    await settle();
    expect(await stakeOf(source!)).toBe(sourceBefore - moved);
    expect(await stakeOf(destination!)).toBe(destinationBefore + moved);
    const node = await api().json(`/api/v1/nodes/${destination}?limit=500`);
    const held = node.delegations.find((d: { delegator: string }) => d.delegator === delegator.toLowerCase());
    expect(BigInt(held.amount)).toBe(await delegationBalance(og(), delegator, destination!));
  });

  it("returns a cancelled unbonding to the validator's stake and out of unbonding", async () => {
    const validator = traffic.validators[0]!;
    const delegator = delegatorAccount(901);
    const tx = stakingTx(og());
    await tx.delegate(delegator, validator, parseEther("8000"));
    await og().mine();
    await settle();
    const stakeBefore = await stakeOf(validator);
    const unbondingBefore = BigInt((await api().json("/api/v1/staking")).unbonding);

    const amount = parseEther("3000");
    await tx.undelegate(delegator, validator, amount);
    const { number: creationHeight } = await og().mine();
    await settle();
    expect(await stakeOf(validator)).toBe(stakeBefore - amount);
    expect(BigInt((await api().json("/api/v1/staking")).unbonding)).toBe(unbondingBefore + amount);

    await tx.cancelUnbonding(delegator, validator, amount, creationHeight);
    await og().mine();
    await settle();
    expect(await stakeOf(validator)).toBe(stakeBefore);
    expect(await stakeOf(validator)).toBe((await chainValidator(og(), validator)).tokens);
    expect(BigInt((await api().json("/api/v1/staking")).unbonding)).toBe(unbondingBefore);
  });

  it("computes the staking ratio from the chains' own figures", async () => {
    const summary = await api().json("/api/v1/staking");
    const ogBlock = BigInt(summary.asOf.opengradient.block);
    const baseBlock = BigInt(summary.asOf.base.block);
    let staked = 0n;
    for (const address of allValidators) staked += (await chainValidator(og(), address, ogBlock)).tokens;
    const base = stack.devnet.base.client;
    const token = stack.devnet.token;
    const totalSupply = await base.readContract({ abi: tokenAbi, address: token, functionName: "totalSupply", blockNumber: baseBlock });
    const treasury = await base.readContract({
      abi: tokenAbi,
      address: token,
      functionName: "balanceOf",
      args: [TREASURY],
      blockNumber: baseBlock,
    });
    const circulating = totalSupply - treasury;

    expect(BigInt(summary.totalStaked)).toBe(staked);
    expect(BigInt(summary.stakingRatio.denominators.totalSupply)).toBe(totalSupply);
    expect(BigInt(summary.stakingRatio.denominators.circulatingSupply)).toBe(circulating);
    expect(summary.stakingRatio.ofCirculatingSupply).toBeCloseTo(Number(staked) / Number(circulating), 9);
    expect(summary.stakingRatio.ofTotalSupply).toBeCloseTo(Number(staked) / Number(totalSupply), 9);
    expect(summary.stakingRatio.ofCirculatingSupply).toBeGreaterThan(0);
  });

  it("answers /staking, /staking/validators and /nodes/:address as of a past block from the double's views at that block", async () => {
    const head = await og().blockNumber();
    const block = (head / 2n / BigInt(RECONCILE_EVERY_BLOCKS)) * BigInt(RECONCILE_EVERY_BLOCKS);
    const timestamp = Number((await og().client.getBlock({ blockNumber: block })).timestamp);
    const tokensAt = async (at: bigint) => {
      let sum = 0n;
      for (const address of allValidators) sum += (await chainValidator(og(), address, at)).tokens;
      return sum;
    };
    const staked = await tokensAt(block);
    expect(staked).not.toBe(await tokensAt(head));

    const byTime = await api().json(`/api/v1/staking?at=${timestamp}`);
    expect(byTime.asOf.opengradient).toEqual({ block: Number(block), timestamp });
    expect(BigInt(byTime.totalStaked)).toBe(staked);
    expect(byTime.asOf.base.timestamp).toBeLessThanOrEqual(timestamp);
    const baseBlock = BigInt(byTime.asOf.base.block);
    const totalSupply = await stack.devnet.base.client.readContract({
      abi: tokenAbi,
      address: stack.devnet.token,
      functionName: "totalSupply",
      blockNumber: baseBlock,
    });
    expect(BigInt(byTime.stakingRatio.denominators.totalSupply)).toBe(totalSupply);
    expect(await api().json(`/api/v1/staking?atBlock=${block}`)).toEqual(byTime);

    const validators = await api().json(`/api/v1/staking/validators?atBlock=${block}&limit=500`);
    expect(validators.asOf).toEqual({ block: Number(block), timestamp });
    expect(validators.data).toHaveLength(allValidators.length);
    for (const row of validators.data) {
      const chain = await chainValidator(og(), row.address, block);
      expect(BigInt(row.stake), row.address).toBe(chain.tokens);
      expect(row.jailed).toBe(chain.jailed);
      const node = await api().json(`/api/v1/nodes/${row.address}?atBlock=${block}`);
      expect(BigInt(node.stake)).toBe(chain.tokens);
      expect(node.slashes.every((s: { block: number }) => s.block <= Number(block))).toBe(true);
    }
  });

  it("ranks nodes by the rewards the distribution double paid them", async () => {
    const board = await api().json("/api/v1/nodes/rewards?from=0&limit=200");
    expect(board.data).toHaveLength(allValidators.length);
    const read = (functionName: "commissionWithdrawn" | "delegatorRewardsOf", address: Address) =>
      og().client.readContract({ abi: distributionDoubleAbi, address: DISTRIBUTION_PRECOMPILE, functionName, args: [address] });
    for (const row of board.data) {
      const commission = await read("commissionWithdrawn", row.address);
      const delegatorRewards = await read("delegatorRewardsOf", row.address);
      expect(BigInt(row.commission)).toBe(commission);
      expect(BigInt(row.delegatorRewards)).toBe(delegatorRewards);
      expect(BigInt(row.total)).toBe(commission + delegatorRewards);
    }
    const totals = board.data.map((row: { total: string }) => BigInt(row.total));
    expect(totals).toEqual([...totals].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(totals[0]).toBeGreaterThan(0n);
    expect(board.data.some((row: { withdrawnRewardYield30d: number | null }) => (row.withdrawnRewardYield30d ?? 0) > 0)).toBe(true);
  });

  it("lists genesis validators from the precompile's validators() view, with the stake validator() reports", async () => {
    const list = await api().json("/api/v1/staking/validators?limit=500");
    const block = BigInt(list.asOf.block);
    for (const address of [GENESIS, GENESIS_QUIET]) {
      const row = list.data.find((v: { address: string }) => v.address === address.toLowerCase());
      expect(row, address).toBeDefined();
      const chain = await chainValidator(og(), address, block);
      expect(chain.tokens).toBeGreaterThan(0n);
      expect(BigInt(row.stake)).toBe(chain.tokens);
      expect(row.moniker).toBe(chain.description.moniker);
    }
  });

  it("attributes commission by the log's valoper topic, never to the transaction's sender", async () => {
    const read = (validator: Address) =>
      og().client.readContract({
        abi: distributionDoubleAbi,
        address: DISTRIBUTION_PRECOMPILE,
        functionName: "commissionWithdrawn",
        args: [validator],
      });
    for (const validator of [GENESIS, wallet]) {
      const node = await api().json(`/api/v1/nodes/${validator}`);
      expect(BigInt(node.rewards.commission), validator).toBe(await read(validator));
      expect(BigInt(node.rewards.commission)).toBeGreaterThan(0n);
    }
    // The wallet's commission was sent by its owner, which is no validator.
    expect((await api().get(`/api/v1/nodes/${WALLET_OWNER}`)).status).toBe(404);
    // Every commission log the chain holds is credited to some validator, in full.
    const logs = await og().client.getLogs({ address: DISTRIBUTION_PRECOMPILE, event: commissionEvent, fromBlock: 0n, toBlock: "latest" });
    const upper = keccak256(
      toBytes(
        (
          await og().client.readContract({
            abi: distributionDoubleAbi,
            address: DISTRIBUTION_PRECOMPILE,
            functionName: "valoperOf",
            args: [GENESIS],
          })
        ).toUpperCase(),
      ),
    );
    expect(logs.some((log) => log.topics[1] === upper)).toBe(true);
    const board = await api().json("/api/v1/nodes/rewards?from=0&limit=200");
    const credited = board.data.reduce((sum: bigint, row: { commission: string }) => sum + BigInt(row.commission), 0n);
    expect(credited).toBe(logs.reduce((sum, log) => sum + log.args.commission!, 0n));
  });

  it("reports each node's accrued rewards as the distribution precompile's views give them at the reconciliation block", async () => {
    let nonEmpty = 0;
    for (const validator of allValidators) {
      const node = await api().json(`/api/v1/nodes/${validator}`);
      const block = BigInt(node.rewards.accrued.block);
      const valoper = await og().client.readContract({
        abi: distributionDoubleAbi,
        address: DISTRIBUTION_PRECOMPILE,
        functionName: "valoperOf",
        args: [validator],
      });
      for (const [field, functionName] of [
        ["outstandingRewards", "validatorOutstandingRewards"],
        ["commission", "validatorCommission"],
      ] as const) {
        const coins = await og().client.readContract({
          abi: distributionDoubleAbi,
          address: DISTRIBUTION_PRECOMPILE,
          functionName,
          args: [valoper],
          blockNumber: block,
        });
        expect(node.rewards.accrued[field], `${validator} ${field}`).toEqual(
          coins.map((coin) => ({ denom: coin.denom, amount: (coin.amount / 10n ** BigInt(coin.precision)).toString() })),
        );
        if (coins.length > 0) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(0);
  });

  it("walks every validator with cursor pagination in each sort order, as JSON and CSV", async () => {
    const seen: { address: string; stake: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { address: string; stake: string }[]; nextCursor: string | null } = await api().json(
        `/api/v1/staking/validators?limit=1&sort=stake${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((v) => v.address).sort()).toEqual(allValidators.map((v) => v.toLowerCase()).sort());
    const stakes = seen.map((v) => BigInt(v.stake));
    expect(stakes).toEqual([...stakes].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

    // Every sort, one validator a page: the walk is the whole list in that sort's order, key
    // descending and ties by address, each validator once.
    type Listed = { address: string; delegators: number; commissionRate: string | null; createdBlock: number };
    const keys: Record<string, (v: Listed) => bigint> = {
      delegators: (v) => BigInt(v.delegators),
      commission: (v) => BigInt(v.commissionRate ?? 0),
      created: (v) => BigInt(v.createdBlock),
    };
    for (const [sort, key] of Object.entries(keys)) {
      const whole: { data: Listed[] } = await api().json(`/api/v1/staking/validators?limit=100&sort=${sort}`);
      const walked: Listed[] = [];
      let next: string | null = null;
      do {
        const page: { data: Listed[]; nextCursor: string | null } = await api().json(
          `/api/v1/staking/validators?limit=1&sort=${sort}${next ? `&cursor=${next}` : ""}`,
        );
        walked.push(...page.data);
        next = page.nextCursor;
      } while (next);
      expect(
        walked.map((v) => v.address),
        sort,
      ).toEqual(whole.data.map((v) => v.address));
      expect(new Set(walked.map((v) => v.address)).size, sort).toBe(allValidators.length);
      const ordered = [...whole.data].sort((a, b) =>
        key(a) !== key(b) ? (key(a) > key(b) ? -1 : 1) : a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
      );
      expect(
        whole.data.map((v) => v.address),
        sort,
      ).toEqual(ordered.map((v) => v.address));
    }

    const csv = await (await api().get("/api/v1/staking/validators?format=csv")).text();
    const lines = csv.trim().split("\n");
    expect(lines[0]!.split(",")).toContain("stake");
    expect(lines).toHaveLength(allValidators.length + 1);
    const history = await api().get("/api/v1/staking/history?interval=day&format=csv");
    expect(history.headers.get("content-type")).toContain("text/csv");
  });

  it("answers bad input with 400 and an unknown validator with 404", async () => {
    const cases: [string, number, string][] = [
      ["/api/v1/staking/validators?sort=shoesize", 400, "invalid_parameter"],
      ["/api/v1/staking/validators?limit=0", 400, "invalid_parameter"],
      ["/api/v1/staking/validators?limit=100000", 400, "invalid_parameter"],
      ["/api/v1/staking/validators?cursor=bm90LWEtY3Vyc29y", 400, "invalid_cursor"],
      ["/api/v1/staking/history?interval=fortnight", 400, "invalid_parameter"],
      ["/api/v1/staking/history?from=200&to=100", 400, "invalid_range"],
      ["/api/v1/nodes/rewards?from=200&to=100", 400, "invalid_range"],
      ["/api/v1/nodes/0x1234", 400, "invalid_address"],
      [`/api/v1/nodes/${actor("nobody")}`, 404, "not_found"],
    ];
    for (const [path, status, code] of cases) {
      const response = await api().get(path);
      expect(response.status, path).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
  });
});
