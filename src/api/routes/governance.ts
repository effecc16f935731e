import { db } from "ponder:api";
import {
  delegation,
  governanceState,
  governanceVote,
  proposal,
  proposalDeposit,
  proposalStatusChange,
  stakingHourly,
  validator,
  voteEvent,
} from "ponder:schema";
import { Hono } from "hono";
import { and, asc, desc, eq, gt, gte, inArray, lt, lte } from "ponder";
import { z } from "zod";
import { appConfig } from "../../../lib/env";
import {
  type GovParams,
  PROPOSAL_STATUSES,
  type Tally,
  tally,
  turnout,
  VOTE_OPTIONS,
  verdict,
  type WeightedOption,
} from "../../../lib/governance";
import { OPG_DECIMALS } from "../../../lib/supply";
import { hourOf, nextPeriod, periodStarts } from "../../../lib/time";
import {
  type ApiContext,
  type AsOf,
  badRequest,
  formatParam,
  limitParam,
  listResponse,
  notFound,
  parseAddressParam,
  parseQuery,
  seriesQuery,
  seriesRange,
} from "../http";
import { endpoint } from "../openapi";
import { governanceHistoryResponse, proposalResponse, proposalsResponse, voterResponse, votesResponse } from "../schemas/governance";

export const governance = new Hono<{ Variables: { asOf: AsOf } }>();

const govChain = appConfig.governance?.chain ?? "opengradient";
const asOfGov = (c: ApiContext) => c.var.asOf[govChain];
const latestTime = (c: ApiContext) => asOfGov(c)?.timestamp ?? Math.floor(Date.now() / 1000);

const idPattern = /^\d{1,19}$/;
function parseProposalId(value: string): bigint {
  if (!idPattern.test(value)) throw badRequest(`id: "${value}" is not a proposal id (a non-negative integer)`, "invalid_parameter");
  return BigInt(value);
}

const cursorParam = z.string().regex(idPattern, "must be the nextCursor of a previous answer").transform(BigInt).optional();

type ProposalRow = typeof proposal.$inferSelect;

function proposalSummary(row: ProposalRow) {
  return {
    id: row.id.toString(),
    proposer: row.proposer,
    title: row.title,
    status: row.status,
    submitTime: Number(row.submitTime),
    depositEndTime: Number(row.depositEndTime),
    votingStartTime: row.votingStartTime === null ? null : Number(row.votingStartTime),
    votingEndTime: row.votingEndTime === null ? null : Number(row.votingEndTime),
    totalDeposit: row.totalDeposit.toString(),
    voters: row.voters,
    votesCast: row.votesCast,
  };
}

async function govParams(): Promise<(GovParams & { minDeposit: bigint | null }) | null> {
  const state = await db.select().from(governanceState).where(eq(governanceState.id, "gov")).limit(1);
  const row = state[0];
  if (!row?.quorum || !row.threshold || !row.vetoThreshold) return null;
  return { quorum: row.quorum, threshold: row.threshold, vetoThreshold: row.vetoThreshold, minDeposit: row.minDeposit };
}

/** The live x/gov tally of a proposal from indexed votes, delegations and validators. */
async function liveTally(proposalId: bigint): Promise<Tally> {
  const votes = await db
    .select({ voter: governanceVote.voter, options: governanceVote.options })
    .from(governanceVote)
    .where(eq(governanceVote.proposalId, proposalId));
  const voters = votes.map((v) => v.voter);
  const [validators, delegations] = await Promise.all([
    db.select({ address: validator.address, stake: validator.stake, jailed: validator.jailed }).from(validator),
    voters.length === 0
      ? Promise.resolve([])
      : db
          .select({ delegator: delegation.delegator, validator: delegation.validator, amount: delegation.amount })
          .from(delegation)
          .where(and(inArray(delegation.delegator, voters), gt(delegation.amount, 0n))),
  ]);
  return tally({
    validators: validators.map((v) => ({ address: v.address, stake: v.stake, bonded: !v.jailed })),
    votes: votes.map((v) => ({ voter: v.voter, options: v.options as WeightedOption[] })),
    delegations,
  });
}

/** Network stake at the close of the hour containing `timestamp`: the denominator of a finished proposal's turnout. */
async function stakeAt(timestamp: bigint): Promise<bigint | null> {
  const [row] = await db
    .select({ totalStaked: stakingHourly.totalStaked })
    .from(stakingHourly)
    .where(lte(stakingHourly.id, hourOf(timestamp)))
    .orderBy(desc(stakingHourly.id))
    .limit(1);
  return row?.totalStaked ?? null;
}

function finalTallyOf(row: ProposalRow) {
  if (!row.finalTally) return null;
  const power = Object.fromEntries(VOTE_OPTIONS.map((o) => [o, BigInt(row.finalTally![o] ?? "0")])) as Tally["power"];
  return power;
}

const tallyBody = (power: Tally["power"], voters: Tally["voters"]) =>
  Object.fromEntries(VOTE_OPTIONS.map((o) => [o, { power: power[o].toString(), voters: voters[o] }]));

const listQuery = z.object({
  status: z.enum(PROPOSAL_STATUSES, { errorMap: () => ({ message: `must be one of ${PROPOSAL_STATUSES.join(", ")}` }) }).optional(),
  limit: limitParam(50, 500),
  cursor: cursorParam,
});

endpoint({
  path: "/governance/proposals",
  tag: "governance",
  summary: "Governance proposals, newest first, optionally by status, with cursor pagination",
  description: `cursor= takes the answer's nextCursor. Statuses: ${PROPOSAL_STATUSES.join(", ")}`,
  query: listQuery,
  response: proposalsResponse,
});
governance.get("/governance/proposals", async (c: ApiContext) => {
  const query = parseQuery(c, listQuery);
  const rows = await db
    .select()
    .from(proposal)
    .where(
      and(
        query.status ? eq(proposal.status, query.status) : undefined,
        query.cursor !== undefined ? lt(proposal.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(proposal.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const nextCursor = rows.length > query.limit ? page.at(-1)!.id.toString() : null;
  return c.json({ nextCursor, decimals: OPG_DECIMALS, asOf: asOfGov(c), data: page.map(proposalSummary) });
});

endpoint({
  path: "/governance/proposals/:id",
  tag: "governance",
  summary: "A proposal: details, deposits, status history, tally by option (power and voters), turnout, quorum, time left",
  description:
    "While voting, `tally` is the live x/gov tally from indexed votes and delegations; once voting has ended it is " +
    "the chain's final tally (`liveTally` keeps the computed one). Turnout = voting power / bonded stake.",
  params: { id: "Proposal id" },
  notFound: "No such proposal",
  response: proposalResponse,
});
governance.get("/governance/proposals/:id", async (c: ApiContext) => {
  const id = parseProposalId(c.req.param("id")!);
  const [row] = await db.select().from(proposal).where(eq(proposal.id, id)).limit(1);
  if (!row) throw notFound(`proposal ${id} is not indexed`);
  const [deposits, history, params, live] = await Promise.all([
    db.select().from(proposalDeposit).where(eq(proposalDeposit.proposalId, id)).orderBy(asc(proposalDeposit.blockNumber)),
    db.select().from(proposalStatusChange).where(eq(proposalStatusChange.proposalId, id)).orderBy(asc(proposalStatusChange.blockNumber)),
    govParams(),
    liveTally(id),
  ]);
  const now = latestTime(c);
  const final = finalTallyOf(row);
  let votingPower = live.votingPower;
  let bondedStake: bigint | null = live.bondedStake;
  if (final) {
    votingPower = VOTE_OPTIONS.reduce((sum, o) => sum + final[o], 0n);
    bondedStake = row.votingEndTime === null ? null : await stakeAt(row.votingEndTime);
  }
  const result = { ...live, power: final ?? live.power, votingPower, bondedStake: bondedStake ?? 0n };
  const checks = params ? verdict(result, params) : null;
  const end = row.status === "deposit_period" ? row.depositEndTime : row.status === "voting_period" ? row.votingEndTime : null;
  return c.json({
    ...proposalSummary(row),
    summary: row.summary,
    metadata: row.metadata,
    messages: row.messages,
    submitBlock: Number(row.submitBlock),
    deposits: deposits.map((d) => ({
      depositor: d.depositor,
      amount: d.amount.toString(),
      initial: d.initial,
      blockNumber: Number(d.blockNumber),
      timestamp: Number(d.timestamp),
      transactionHash: d.transactionHash,
    })),
    minDeposit: params?.minDeposit?.toString() ?? null,
    statusHistory: history.map((h) => ({ status: h.status, blockNumber: Number(h.blockNumber), timestamp: Number(h.timestamp) })),
    tallySource: final ? "chain_final" : "live",
    tally: tallyBody(result.power, live.voters),
    liveTally: tallyBody(live.power, live.voters),
    votingPower: votingPower.toString(),
    bondedStake: bondedStake?.toString() ?? null,
    turnout: bondedStake === null ? null : turnout(votingPower, bondedStake),
    params: params && { quorum: params.quorum, threshold: params.threshold, vetoThreshold: params.vetoThreshold },
    quorumReached: checks?.quorumReached ?? null,
    vetoed: checks?.vetoed ?? null,
    thresholdReached: checks?.thresholdReached ?? null,
    timeLeft: end === null ? null : Math.max(0, Number(end) - now),
    decimals: OPG_DECIMALS,
    asOf: asOfGov(c),
  });
});

const votesQuery = z.object({
  limit: limitParam(100, 1000),
  cursor: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be the nextCursor of a previous answer")
    .transform((v) => v.toLowerCase() as `0x${string}`)
    .optional(),
  format: formatParam,
});

/** Each voter's own bonded stake: the power its vote carries for itself. */
async function ownPower(voters: `0x${string}`[]) {
  const power = new Map<string, bigint>();
  if (voters.length === 0) return power;
  const rows = await db
    .select({ delegator: delegation.delegator, amount: delegation.amount, jailed: validator.jailed })
    .from(delegation)
    .innerJoin(validator, eq(validator.address, delegation.validator))
    .where(inArray(delegation.delegator, voters));
  for (const row of rows) if (!row.jailed) power.set(row.delegator, (power.get(row.delegator) ?? 0n) + row.amount);
  return power;
}

endpoint({
  path: "/governance/proposals/:id/votes",
  tag: "governance",
  summary: "A proposal's current votes (one per voter; a later vote replaces the earlier), by voter, paged",
  description: "Each vote's options and weights, how often the voter changed it, and the voter's own bonded stake now.",
  params: { id: "Proposal id" },
  query: votesQuery,
  csv: true,
  notFound: "No such proposal",
  response: votesResponse,
});
governance.get("/governance/proposals/:id/votes", async (c: ApiContext) => {
  const id = parseProposalId(c.req.param("id")!);
  const query = parseQuery(c, votesQuery);
  const [row] = await db.select({ id: proposal.id }).from(proposal).where(eq(proposal.id, id)).limit(1);
  if (!row) throw notFound(`proposal ${id} is not indexed`);
  const rows = await db
    .select()
    .from(governanceVote)
    .where(and(eq(governanceVote.proposalId, id), query.cursor ? gt(governanceVote.voter, query.cursor) : undefined))
    .orderBy(asc(governanceVote.voter))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const power = await ownPower(page.map((v) => v.voter));
  const nextCursor = rows.length > query.limit ? page.at(-1)!.voter : null;
  if (nextCursor) c.header("X-Next-Cursor", nextCursor);
  const data = page.map((v) => ({
    voter: v.voter,
    options: v.options,
    weighted: v.weighted,
    changes: v.changes,
    ownPower: (power.get(v.voter) ?? 0n).toString(),
    blockNumber: Number(v.blockNumber),
    timestamp: Number(v.timestamp),
    transactionHash: v.transactionHash,
  }));
  return listResponse(c, query.format, data, { proposalId: id.toString(), nextCursor, decimals: OPG_DECIMALS, asOf: asOfGov(c) });
});

endpoint({
  path: "/governance/voters/:address",
  tag: "governance",
  summary: "A voter's votes on every proposal and its bonded stake (voting power) now",
  params: { address: "Voter address" },
  response: voterResponse,
});
governance.get("/governance/voters/:address", async (c: ApiContext) => {
  const address = parseAddressParam(c.req.param("address")!);
  const [votes, power, [node]] = await Promise.all([
    db.select().from(governanceVote).where(eq(governanceVote.voter, address)).orderBy(desc(governanceVote.proposalId)),
    ownPower([address]),
    db.select({ stake: validator.stake, jailed: validator.jailed }).from(validator).where(eq(validator.address, address)).limit(1),
  ]);
  return c.json({
    address,
    votingPower: (power.get(address) ?? 0n).toString(),
    validator: node ? { stake: node.stake.toString(), jailed: node.jailed } : null,
    votes: votes.map((v) => ({
      proposalId: v.proposalId.toString(),
      options: v.options,
      weighted: v.weighted,
      changes: v.changes,
      blockNumber: Number(v.blockNumber),
      timestamp: Number(v.timestamp),
    })),
    decimals: OPG_DECIMALS,
    asOf: asOfGov(c),
  });
});

endpoint({
  path: "/governance/history",
  tag: "governance",
  summary: "Per period: proposals submitted, votes cast, proposals whose voting ended and their mean turnout",
  description: "Turnout of a finished proposal = the chain's final tally over network stake at the close of its voting end hour.",
  query: seriesQuery,
  csv: true,
  response: governanceHistoryResponse,
});
governance.get("/governance/history", async (c: ApiContext) => {
  const query = parseQuery(c, seriesQuery);
  const { from, to } = seriesRange(query, latestTime(c));
  const starts = periodStarts(from, to, query.interval);
  const end = BigInt(nextPeriod(starts.at(-1) ?? from, query.interval));
  const begin = BigInt(starts[0] ?? from);
  const [submitted, votes, ended] = await Promise.all([
    db
      .select({ at: proposal.submitTime })
      .from(proposal)
      .where(and(gte(proposal.submitTime, begin), lt(proposal.submitTime, end))),
    db
      .select({ at: voteEvent.timestamp })
      .from(voteEvent)
      .where(and(gte(voteEvent.timestamp, begin), lt(voteEvent.timestamp, end))),
    db
      .select()
      .from(proposal)
      .where(and(gte(proposal.votingEndTime, begin), lt(proposal.votingEndTime, end))),
  ]);
  const bucket = (at: bigint) => {
    let index = 0;
    while (index + 1 < starts.length && BigInt(starts[index + 1]!) <= at) index++;
    return index;
  };
  const rows = starts.map((start) => ({ start, proposalsSubmitted: 0, votesCast: 0, proposalsEnded: 0, turnouts: [] as number[] }));
  for (const p of submitted) rows[bucket(p.at)]!.proposalsSubmitted++;
  for (const v of votes) rows[bucket(v.at)]!.votesCast++;
  for (const p of ended) {
    const final = finalTallyOf(p);
    if (!final) continue;
    const row = rows[bucket(p.votingEndTime!)]!;
    row.proposalsEnded++;
    const stake = await stakeAt(p.votingEndTime!);
    const share =
      stake === null
        ? null
        : turnout(
            VOTE_OPTIONS.reduce((sum, o) => sum + final[o], 0n),
            stake,
          );
    if (share !== null) row.turnouts.push(share);
  }
  const data = rows.map(({ turnouts, ...row }) => ({
    ...row,
    averageTurnout: turnouts.length === 0 ? null : turnouts.reduce((a, b) => a + b, 0) / turnouts.length,
  }));
  return listResponse(c, query.format, data, { interval: query.interval, from, to, asOf: asOfGov(c) });
});
