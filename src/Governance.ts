import { type Context, ponder } from "ponder:registry";
import { governanceState, governanceVote, proposal, proposalDeposit, voteEvent } from "ponder:schema";
import { governanceAbi } from "../abis/governance";
import { appConfig } from "../lib/env";
import { statusName, type WeightedOption, weightedOptions } from "../lib/governance";
import { applyChainProposal, coinTotal, endTimeOf, getOrCreateState, readProposal, recordStatus, STATE_ID } from "./entities/governance";
import { lower } from "./entities/staking";

type Logged = { id: string; block: { number: bigint; timestamp: bigint }; transaction: { hash: `0x${string}` } };

/** Title, messages and times are read once, when the proposal is submitted. */
ponder.on("Governance:SubmitProposal", async ({ event, context }) => {
  const db = context.db;
  const id = event.args.proposalId;
  const chain = await readProposal(context.client, id);
  if (!chain) return;
  const initial = coinTotal(chain.totalDeposit);
  await db.insert(proposal).values({
    id,
    proposer: lower(event.args.proposer),
    title: chain.title,
    summary: chain.summary,
    metadata: chain.metadata,
    messages: [...chain.messages],
    status: "deposit_period",
    submitTime: chain.submitTime,
    depositEndTime: chain.depositEndTime,
    votingStartTime: null,
    votingEndTime: null,
    totalDeposit: 0n,
    depositors: initial > 0n ? 1 : 0,
    voters: 0,
    votesCast: 0,
    finalTally: null,
    submitBlock: event.block.number,
    lastReconciledBlock: null,
  });
  await recordStatus(db, id, "deposit_period", event, chain.depositEndTime);
  if (initial > 0n) {
    await db.insert(proposalDeposit).values({
      id: event.id,
      proposalId: id,
      depositor: lower(event.args.proposer),
      amount: initial,
      initial: true,
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
      transactionHash: event.transaction.hash,
    });
  }
  // An initial deposit at the minimum opens voting at once.
  await applyChainProposal(db, id, chain, event);
});

/** A deposit that reaches the minimum opens voting inside the same transaction, with no event: read the proposal then. */
ponder.on("Governance:Deposit", async ({ event, context }) => {
  const db = context.db;
  const id = event.args.proposalId;
  const row = await db.find(proposal, { id });
  if (!row) return;
  const amount = coinTotal(event.args.amount);
  await db.insert(proposalDeposit).values({
    id: event.id,
    proposalId: id,
    depositor: lower(event.args.depositor),
    amount,
    initial: false,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
  });
  await db.update(proposal, { id }).set({ totalDeposit: row.totalDeposit + amount, depositors: row.depositors + 1 });
  if (row.status === "deposit_period") await applyChainProposal(db, id, await readProposal(context.client, id), event);
});

ponder.on("Governance:CancelProposal", async ({ event, context }) => {
  const id = event.args.proposalId;
  if (!(await context.db.find(proposal, { id }))) return;
  await context.db.update(proposal, { id }).set({ status: "canceled" });
  await recordStatus(context.db, id, "canceled", event, null);
});

async function recordVote(
  db: Context["db"],
  event: Logged,
  proposalId: bigint,
  voterAddress: string,
  options: WeightedOption[],
  weighted: boolean,
) {
  const voter = lower(voterAddress);
  const row = await db.find(proposal, { id: proposalId });
  if (!row) return;
  const id = `${proposalId}:${voter}`;
  const previous = await db.find(governanceVote, { id });
  const values = {
    options,
    weighted,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
  };
  if (previous) await db.update(governanceVote, { id }).set({ ...values, changes: previous.changes + 1 });
  else await db.insert(governanceVote).values({ id, proposalId, voter, changes: 0, ...values });
  await db
    .insert(voteEvent)
    .values({ id: event.id, proposalId, voter, options, blockNumber: event.block.number, timestamp: event.block.timestamp });
  await db.update(proposal, { id: proposalId }).set({ voters: row.voters + (previous ? 0 : 1), votesCast: row.votesCast + 1 });
}

ponder.on("Governance:Vote", async ({ event, context }) => {
  const options = weightedOptions([{ option: event.args.option, weight: "1" }]);
  await recordVote(context.db, event, event.args.proposalId, event.args.voter, options, false);
});

ponder.on("Governance:VoteWeighted", async ({ event, context }) => {
  await recordVote(context.db, event, event.args.proposalId, event.args.voter, weightedOptions(event.args.options), true);
});

/** Null where the address has no code yet (a local devnet before the double is placed): an empty answer is final, not retried. */
async function readParams(client: Context["client"]) {
  try {
    return await client.readContract({
      abi: governanceAbi,
      address: appConfig.governance!.address,
      functionName: "getParams",
      retryEmptyResponse: false,
    });
  } catch (error) {
    if (/returned no data/.test(String((error as Error).message))) return null;
    throw error;
  }
}

/**
 * Status changes happen in x/gov's end blocker without an EVM event. Each block costs one cache
 * read; the chain is read for open proposals only at the reconciliation interval (with the params)
 * and in the first block at or after a known deposit or voting end time.
 */
ponder.on("GovernanceReconciliation:block", async ({ event, context }) => {
  const db = context.db;
  const state = await getOrCreateState(db);
  const scheduled = event.block.number % BigInt(appConfig.reconcileIntervalBlocks) === 0n;
  const due = state.nextEndTime !== null && event.block.timestamp >= state.nextEndTime;
  if (!scheduled && !due) return;

  const params = scheduled ? await readParams(context.client) : null;
  if (params) {
    await db.update(governanceState, { id: STATE_ID }).set({
      quorum: params.quorum,
      threshold: params.threshold,
      vetoThreshold: params.vetoThreshold,
      minDeposit: coinTotal(params.minDeposit),
      votingPeriod: BigInt(params.votingPeriod),
      maxDepositPeriod: BigInt(params.maxDepositPeriod),
      paramsBlock: event.block.number,
    });
  }
  const ids = state.openProposals.map(BigInt);
  const reads = await Promise.all(ids.map((id) => readProposal(context.client, id)));
  for (const [index, id] of ids.entries()) await applyChainProposal(db, id, reads[index] ?? null, event);
  // The next time worth a read: the earliest end still ahead among proposals that stay open.
  const ends = reads.flatMap((chain) => {
    const end = chain ? endTimeOf(statusName(chain.status), chain) : null;
    return end !== null && end > event.block.timestamp ? [end] : [];
  });
  await db
    .update(governanceState, { id: STATE_ID })
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min rejects
    .set({ nextEndTime: ends.length === 0 ? null : ends.reduce((a, b) => (a < b ? a : b)) });
});
