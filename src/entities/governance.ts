import type { Context } from "ponder:registry";
import { governanceState, proposal, proposalStatusChange } from "ponder:schema";
import { governanceAbi } from "../../abis/governance";
import { appConfig } from "../../lib/env";
import { OPEN_STATUSES, type ProposalStatus, statusName } from "../../lib/governance";

type Db = Context["db"];
type Client = Context["client"];
export type At = { block: { number: bigint; timestamp: bigint } };

export const STATE_ID = "gov";

export type ChainProposal = Awaited<ReturnType<typeof readProposal>>;

/** The proposal as the chain has it at the event's block, or null once x/gov has deleted it. */
export async function readProposal(client: Client, id: bigint) {
  try {
    return await client.readContract({
      abi: governanceAbi,
      address: appConfig.governance!.address,
      functionName: "getProposal",
      args: [id],
    });
  } catch (error) {
    // x/gov deletes proposals that were canceled or never reached the minimum deposit.
    if (/not found|revert/i.test(String((error as Error).message))) return null;
    throw error;
  }
}

export const coinTotal = (coins: readonly { amount: bigint }[]) => coins.reduce((sum, coin) => sum + coin.amount, 0n);

export async function getOrCreateState(db: Db) {
  return (
    (await db.find(governanceState, { id: STATE_ID })) ??
    (await db.insert(governanceState).values({ id: STATE_ID, openProposals: [], nextEndTime: null }))
  );
}

/** Keeps the open set and the earliest end time still ahead, so the block check stays a cache read. */
async function trackOpen(db: Db, id: bigint, status: ProposalStatus, endTime: bigint | null) {
  const state = await getOrCreateState(db);
  const key = id.toString();
  const open = new Set(state.openProposals);
  if (OPEN_STATUSES.includes(status)) open.add(key);
  else open.delete(key);
  // A time already due stays until the block check has read the chain for it.
  const times = [state.nextEndTime, endTime].filter((time): time is bigint => time !== null);
  // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min rejects
  const nextEndTime = times.length === 0 ? null : times.reduce((a, b) => (a < b ? a : b));
  await db.update(governanceState, { id: STATE_ID }).set({ openProposals: [...open], nextEndTime });
}

export async function recordStatus(db: Db, id: bigint, status: ProposalStatus, at: At, endTime: bigint | null) {
  await db
    .insert(proposalStatusChange)
    .values({ id: `${id}:${status}`, proposalId: id, status, blockNumber: at.block.number, timestamp: at.block.timestamp })
    .onConflictDoNothing();
  await trackOpen(db, id, status, endTime);
}

export const endTimeOf = (status: ProposalStatus, chain: NonNullable<ChainProposal>) =>
  status === "deposit_period" ? chain.depositEndTime : status === "voting_period" ? chain.votingEndTime : null;

/** Adopts the chain's view of a known proposal and records a status change at the block it is first seen. */
export async function applyChainProposal(db: Db, id: bigint, chain: ChainProposal, at: At) {
  const row = await db.find(proposal, { id });
  if (!row) return;
  const before = row.status as ProposalStatus;
  if (!chain) {
    // Gone from the chain: a canceled proposal was already marked by its event; anything else missed its deposit.
    const status: ProposalStatus = before === "canceled" ? "canceled" : "removed";
    if (status !== before) await db.update(proposal, { id }).set({ status, lastReconciledBlock: at.block.number });
    await recordStatus(db, id, status, at, null);
    return;
  }
  const status = statusName(chain.status);
  const ended = !OPEN_STATUSES.includes(status);
  await db.update(proposal, { id }).set({
    status,
    votingStartTime: chain.votingStartTime === 0n ? null : chain.votingStartTime,
    votingEndTime: chain.votingEndTime === 0n ? null : chain.votingEndTime,
    totalDeposit: coinTotal(chain.totalDeposit),
    finalTally: ended ? { ...chain.finalTallyResult } : null,
    lastReconciledBlock: at.block.number,
  });
  if (status !== before) await recordStatus(db, id, status, at, endTimeOf(status, chain));
}
