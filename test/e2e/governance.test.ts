import { type Address, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor } from "../../devnet/accounts";
import type { Devnet } from "../../devnet/devnet";
import { chainProposal, chainTally, govTx, MIN_DEPOSIT, VOTE, VOTING_PERIOD } from "../../devnet/governance";
import { backends, type Stack, startStack } from "../../devnet/stack";
import { chainValidator, stakingTx } from "../../devnet/staking";

const OPTIONS = ["yes", "abstain", "no", "noWithVeto"] as const;
const validators = [0, 1, 2].map((i) => actor("gov-validator", i));
const delegators = [0, 1, 2, 3, 4].map((i) => actor("gov-delegator", i));
const [V0, V1, V2] = validators as [Address, Address, Address];
const [D0, D1, D2, D3, D4] = delegators as [Address, Address, Address, Address, Address];
const opg = (n: number) => parseEther(String(n));

/**
 * Proposal 1 passes (validator votes, delegator overrides, a weighted vote, a changed vote);
 * 2 reaches its deposit late and fails quorum; 3 is vetoed; 4 never reaches the minimum deposit.
 */
async function prepare(devnet: Devnet) {
  const og = devnet.og;
  const staking = stakingTx(og);
  const gov = govTx(og);
  for (const [i, v] of validators.entries()) await staking.createValidator(v, `gov-${i}`, 10n ** 17n, opg(10_000 - 2_000 * i));
  await og.mine();
  await staking.delegate(D0, V0, opg(3_000));
  await staking.delegate(D1, V0, opg(2_000));
  await staking.delegate(D2, V1, opg(4_000));
  await staking.delegate(D3, V2, opg(1_000));
  await staking.delegate(D4, V0, opg(1_000));
  await staking.delegate(D4, V1, opg(1_000));
  await og.mine();

  await gov.submit(V0, "Raise block gas", "Passes", MIN_DEPOSIT);
  await gov.submit(D1, "Low turnout", "Fails quorum", MIN_DEPOSIT / 2n);
  await gov.submit(V1, "Vetoed change", "Vetoed", MIN_DEPOSIT);
  await gov.submit(D3, "Never funded", "Misses its deposit", MIN_DEPOSIT / 10n);
  og.setTime(og.time + 3600);
  await og.mine();
  await gov.deposit(D3, 4n, MIN_DEPOSIT / 10n);
  await gov.deposit(D2, 2n, MIN_DEPOSIT / 2n);
  og.setTime(og.time + 3600);
  await og.mine();

  await gov.vote(V0, 1n, VOTE.yes);
  await gov.vote(V1, 1n, VOTE.no);
  await gov.vote(V2, 1n, VOTE.no);
  await gov.vote(D0, 1n, VOTE.no);
  await gov.vote(D2, 1n, VOTE.yes);
  await gov.voteWeighted(D4, 1n, [
    { option: VOTE.yes, weight: "0.7" },
    { option: VOTE.abstain, weight: "0.3" },
  ]);
  await gov.vote(D3, 2n, VOTE.yes);
  await gov.voteWeighted(D1, 2n, [
    { option: VOTE.yes, weight: "0.25" },
    { option: VOTE.no, weight: "0.5" },
    { option: VOTE.noWithVeto, weight: "0.25" },
  ]);
  await gov.vote(V0, 3n, VOTE.noWithVeto);
  await gov.vote(V1, 3n, VOTE.yes);
  await gov.vote(V2, 3n, VOTE.noWithVeto);
  await gov.vote(D0, 3n, VOTE.yes);
  og.setTime(og.time + 3600);
  await og.mine();
  // A changed vote replaces the earlier one; stake moved during voting counts where it is now.
  await gov.vote(V2, 1n, VOTE.yes);
  await staking.delegate(D2, V1, opg(500));
  og.setTime(og.time + 3600);
  await og.mine();
}

describe.each(backends)("governance on %s", (backend) => {
  let stack: Stack;
  const api = () => stack.indexer;
  const og = () => stack.devnet.og;

  beforeAll(async () => {
    stack = await startStack(backend, prepare);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function bondedAt(block: bigint) {
    let total = 0n;
    for (const v of validators) {
      const chain = await chainValidator(og(), v, block);
      if (!chain.jailed) total += chain.tokens;
    }
    return total;
  }

  it("computes a live tally equal to the double's getTallyResult at the indexed block, and turnout over bonded stake", async () => {
    for (const id of [1n, 2n, 3n]) {
      const body = await api().json(`/api/v1/governance/proposals/${id}`);
      const block = BigInt(body.asOf.block);
      expect(body.status).toBe("voting_period");
      expect(body.tallySource).toBe("live");
      const chain = await chainTally(og(), id, block);
      for (const option of OPTIONS) expect(BigInt(body.tally[option].power), `${id} ${option}`).toBe(BigInt(chain[option]));
      const bonded = await bondedAt(block);
      expect(BigInt(body.bondedStake)).toBe(bonded);
      const voted = OPTIONS.reduce((sum, o) => sum + BigInt(chain[o]), 0n);
      expect(BigInt(body.votingPower)).toBe(voted);
      expect(body.turnout).toBeCloseTo(Number(voted) / Number(bonded), 5);
    }
    // Proposal 1: the changed vote counts once, with its latest option.
    const votes = await api().json("/api/v1/governance/proposals/1/votes");
    expect(votes.data).toHaveLength(6);
    const v2 = votes.data.find((v: { voter: string }) => v.voter === V2.toLowerCase());
    expect(v2.options).toEqual([{ option: "yes", weight: "1" }]);
    expect(v2.changes).toBe(1);
  });

  it("reads proposal details with getProposal and records when voting opened", async () => {
    const body = await api().json("/api/v1/governance/proposals/2");
    const chain = await chainProposal(og(), 2n, BigInt(body.asOf.block));
    expect(body.title).toBe(chain.title);
    expect(body.summary).toBe(chain.summary);
    expect(body.metadata).toBe(chain.metadata);
    expect(body.messages).toEqual(chain.messages);
    expect(body.proposer).toBe(D1.toLowerCase());
    expect(body.votingEndTime).toBe(Number(chain.votingEndTime));
    expect(BigInt(body.totalDeposit)).toBe(chain.totalDeposit[0]!.amount);
    expect(body.deposits.map((d: { initial: boolean }) => d.initial)).toEqual([true, false]);
    const opened = body.statusHistory.find((h: { status: string }) => h.status === "voting_period");
    const depositLogs = await og().client.getLogs({
      address: "0x0000000000000000000000000000000000000805",
      event: {
        type: "event",
        name: "Deposit",
        inputs: [
          { name: "depositor", type: "address", indexed: true },
          { name: "proposalId", type: "uint64" },
          {
            name: "amount",
            type: "tuple[]",
            components: [
              { name: "denom", type: "string" },
              { name: "amount", type: "uint256" },
            ],
          },
        ],
      },
      args: { depositor: D2 },
      fromBlock: 0n,
    });
    expect(opened.blockNumber).toBe(Number(depositLogs[0]!.blockNumber));
    expect(body.params).toEqual({
      quorum: "0.334000000000000000",
      threshold: "0.500000000000000000",
      vetoThreshold: "0.334000000000000000",
    });
    expect(body.timeLeft).toBe(Number(chain.votingEndTime) - body.asOf.timestamp);
  });

  it("adopts the end blocker's outcome at the block it happened, with the chain's final tally", async () => {
    const gov = govTx(og());
    og().setTime(og().time + VOTING_PERIOD);
    await gov.endBlocker();
    const { number: endBlock } = await og().mine();
    await og().mine();
    await stack.sync();

    const expected: Record<string, string> = { "1": "passed", "2": "rejected", "3": "rejected" };
    for (const id of [1n, 2n, 3n]) {
      const body = await api().json(`/api/v1/governance/proposals/${id}`);
      const chain = await chainProposal(og(), id, BigInt(body.asOf.block));
      expect(["", "deposit_period", "voting_period", "passed", "rejected", "failed"][chain.status]).toBe(body.status);
      expect(body.status).toBe(expected[id.toString()]);
      expect(body.tallySource).toBe("chain_final");
      for (const option of OPTIONS) expect(body.tally[option].power).toBe(chain.finalTallyResult[option]);
      const change = body.statusHistory.at(-1);
      expect(change).toMatchObject({ status: body.status, blockNumber: Number(endBlock) });
    }
    const failed = await api().json("/api/v1/governance/proposals/2");
    expect(failed.quorumReached).toBe(false);
    const vetoed = await api().json("/api/v1/governance/proposals/3");
    expect(vetoed.vetoed).toBe(true);
    // x/gov deleted the proposal that never reached its minimum deposit.
    await expect(chainProposal(og(), 4n)).rejects.toThrow();
    const removed = await api().json("/api/v1/governance/proposals/4");
    expect(removed.status).toBe("removed");

    const list = await api().json("/api/v1/governance/proposals?status=rejected");
    expect(list.data.map((p: { id: string }) => p.id)).toEqual(["3", "2"]);
    const page = await api().json("/api/v1/governance/proposals?limit=2");
    expect(page.data.map((p: { id: string }) => p.id)).toEqual(["4", "3"]);
    const next = await api().json(`/api/v1/governance/proposals?limit=2&cursor=${page.nextCursor}`);
    expect(next.data.map((p: { id: string }) => p.id)).toEqual(["2", "1"]);
    const history = await api().json("/api/v1/governance/history?interval=week");
    expect(history.data.reduce((s: number, r: { votesCast: number }) => s + r.votesCast, 0)).toBe(13);
    expect(history.data.reduce((s: number, r: { proposalsSubmitted: number }) => s + r.proposalsSubmitted, 0)).toBe(4);
  });

  it("reports validator voting participation and delegator overrides in the analysis", async () => {
    const result = await api().json("/api/v1/analyses/validator-voting-participation?limit=10");
    const row = (address: Address) => result.data.find((r: { address: string }) => r.address === address.toLowerCase());
    // Proposals 1, 2 and 3 reached voting; V0 voted on 1 and 3, where D0 and D4 (its delegators) voted too on 1 and D0 on 3.
    expect(row(V0)).toMatchObject({ proposals_voted: 2, proposals_in_voting: 3, delegator_overrides: 3 });
    expect(row(V2)).toMatchObject({ proposals_voted: 2, vote_changes: 1 });
  });

  it("answers voters, CSV and bad input with the documented shapes", async () => {
    const voter = await api().json(`/api/v1/governance/voters/${D4}`);
    expect(voter.votes).toHaveLength(1);
    expect(voter.votes[0].weighted).toBe(true);
    expect(BigInt(voter.votingPower)).toBe(opg(2_000));
    const csv = await api().get("/api/v1/governance/proposals/1/votes?format=csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect((await csv.text()).trim().split("\n")).toHaveLength(7);
    for (const [path, status] of [
      ["/api/v1/governance/proposals/abc", 400],
      ["/api/v1/governance/proposals/999", 404],
      ["/api/v1/governance/proposals/999/votes", 404],
      ["/api/v1/governance/proposals?status=bogus", 400],
      ["/api/v1/governance/proposals?cursor=xyz", 400],
      ["/api/v1/governance/proposals/1/votes?cursor=nope", 400],
      ["/api/v1/governance/voters/0x12", 400],
    ] as const) {
      const response = await api().get(path);
      expect(response.status, path).toBe(status);
      const body = (await response.json()) as { error: { code: unknown; message: unknown } };
      expect(typeof body.error.code).toBe("string");
      expect(typeof body.error.message).toBe("string");
    }
  });
});
