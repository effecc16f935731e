import { index, onchainTable } from "ponder";

/** One row per proposal: what `getProposal` returned at submission, kept current by reconciliation. */
export const proposal = onchainTable(
  "proposal",
  (t) => ({
    id: t.bigint().primaryKey(),
    proposer: t.hex().notNull(),
    title: t.text().notNull(),
    summary: t.text().notNull(),
    metadata: t.text().notNull(),
    messages: t.json().$type<string[]>().notNull(),
    status: t.text().notNull(),
    submitTime: t.bigint().notNull(),
    depositEndTime: t.bigint().notNull(),
    votingStartTime: t.bigint(),
    votingEndTime: t.bigint(),
    totalDeposit: t.bigint().notNull(),
    depositors: t.integer().notNull(),
    /** Current votes (one per voter) and every vote cast, replaced ones included. */
    voters: t.integer().notNull(),
    votesCast: t.integer().notNull(),
    /** The chain's final tally, set once voting has ended. */
    finalTally: t.json().$type<Record<string, string>>(),
    submitBlock: t.bigint().notNull(),
    lastReconciledBlock: t.bigint(),
  }),
  (table) => ({
    statusIdx: index().on(table.status, table.id),
  }),
);

/** Deposits: the initial one (from the submission) and each Deposit event. */
export const proposalDeposit = onchainTable(
  "proposal_deposit",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    depositor: t.hex().notNull(),
    amount: t.bigint().notNull(),
    initial: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    proposalIdx: index().on(table.proposalId, table.blockNumber),
  }),
);

/** A voter's current vote on a proposal, id `${proposalId}:${voter}`: a later vote replaces it, as in x/gov. */
export const governanceVote = onchainTable(
  "governance_vote",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    voter: t.hex().notNull(),
    options: t.json().$type<{ option: string; weight: string }[]>().notNull(),
    weighted: t.boolean().notNull(),
    changes: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    proposalVoterIdx: index().on(table.proposalId, table.voter),
    voterIdx: index().on(table.voter, table.proposalId),
  }),
);

/** Every Vote/VoteWeighted event, replaced votes included: the history of votes cast. */
export const voteEvent = onchainTable(
  "vote_event",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    voter: t.hex().notNull(),
    options: t.json().$type<{ option: string; weight: string }[]>().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    timeIdx: index().on(table.timestamp),
  }),
);

/** Each status a proposal was seen in, with the first block it was seen at. */
export const proposalStatusChange = onchainTable(
  "proposal_status_change",
  (t) => ({
    id: t.text().primaryKey(),
    proposalId: t.bigint().notNull(),
    status: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    proposalIdx: index().on(table.proposalId, table.blockNumber),
  }),
);

/**
 * One row, id "gov": the gov params last read with `getParams`, and the open proposals with the
 * earliest end time among them, so the per-block check reads the chain only when something can end.
 */
export const governanceState = onchainTable("governance_state", (t) => ({
  id: t.text().primaryKey(),
  quorum: t.text(),
  threshold: t.text(),
  vetoThreshold: t.text(),
  minDeposit: t.bigint(),
  votingPeriod: t.bigint(),
  maxDepositPeriod: t.bigint(),
  openProposals: t.json().$type<string[]>().notNull(),
  nextEndTime: t.bigint(),
  paramsBlock: t.bigint(),
}));
