import { type Address, encodeFunctionData, parseAbi, toHex } from "viem";
import { governanceAbi } from "../abis/governance";
import { DEPLOYER } from "./accounts";
import type { DevChain } from "./chain";
import type { Artifact } from "./contracts";

export const GOVERNANCE_PRECOMPILE: Address = "0x0000000000000000000000000000000000000805";
/** The double's bond denom, minimum deposit and periods (its constants). */
export const GOV_DENOM = "aopg";
export const MIN_DEPOSIT = 1000n * 10n ** 18n;
export const MAX_DEPOSIT_PERIOD = 2 * 86_400;
export const VOTING_PERIOD = 3 * 86_400;

export const VOTE = { yes: 1, abstain: 2, no: 3, noWithVeto: 4 } as const;

export const governanceDoubleAbi = parseAbi([
  "struct Coin { string denom; uint256 amount; }",
  "struct WeightedVoteOption { uint8 option; string weight; }",
  "function submitProposal(address proposer, bytes jsonProposal, Coin[] deposit) returns (uint64)",
  "function cancelProposal(address proposer, uint64 proposalId) returns (bool)",
  "function deposit(address depositor, uint64 proposalId, Coin[] amount) returns (bool)",
  "function vote(address voter, uint64 proposalId, uint8 option, string metadata) returns (bool)",
  "function voteWeighted(address voter, uint64 proposalId, WeightedVoteOption[] options, string metadata) returns (bool)",
  "function endBlocker()",
  "function proposalCount() view returns (uint64)",
]);

export async function placeGovernanceDouble(og: DevChain, artifacts: Record<string, Artifact>) {
  await og.placeAt(artifacts.GovernancePrecompileDouble!, GOVERNANCE_PRECOMPILE);
  return { GOVERNANCE_ADDRESS: GOVERNANCE_PRECOMPILE };
}

const coins = (amount: bigint) => [{ denom: GOV_DENOM, amount }];

/** A compact proposal document of the shape x/gov's submitProposal takes. */
export function proposalJson(title: string, summary: string) {
  const message = { "@type": "/cosmos.gov.v1.MsgExecLegacyContent", authority: "opg10d07y265gmmuvt4z0w9aw880jnsr700jd5ssvn" };
  return toHex(JSON.stringify({ messages: [message], metadata: `ipfs://${title.replace(/\W+/g, "-")}`, title, summary }));
}

export const govTx = (og: DevChain) => ({
  /** Reading the JSON document byte by byte costs more than the harness' default gas. */
  submit: (proposer: Address, title: string, summary: string, deposit: bigint) =>
    og.send({
      from: proposer,
      to: GOVERNANCE_PRECOMPILE,
      gas: 10_000_000n,
      data: encodeFunctionData({
        abi: governanceDoubleAbi,
        functionName: "submitProposal",
        args: [proposer, proposalJson(title, summary), coins(deposit)],
      }),
    }),
  deposit: (depositor: Address, id: bigint, amount: bigint) =>
    og.write(depositor, GOVERNANCE_PRECOMPILE, governanceDoubleAbi, "deposit", [depositor, id, coins(amount)]),
  cancel: (proposer: Address, id: bigint) =>
    og.write(proposer, GOVERNANCE_PRECOMPILE, governanceDoubleAbi, "cancelProposal", [proposer, id]),
  vote: (voter: Address, id: bigint, option: number) =>
    og.write(voter, GOVERNANCE_PRECOMPILE, governanceDoubleAbi, "vote", [voter, id, option, ""]),
  voteWeighted: (voter: Address, id: bigint, options: { option: number; weight: string }[]) =>
    og.write(voter, GOVERNANCE_PRECOMPILE, governanceDoubleAbi, "voteWeighted", [voter, id, options, ""]),
  /** What the chain's end blocker does each block; any account may trigger it on the double. */
  endBlocker: () =>
    og.send({
      from: DEPLOYER,
      to: GOVERNANCE_PRECOMPILE,
      gas: 20_000_000n,
      data: encodeFunctionData({ abi: governanceDoubleAbi, functionName: "endBlocker" }),
    }),
});

export async function chainProposal(og: DevChain, id: bigint, blockNumber?: bigint) {
  return og.client.readContract({
    abi: governanceAbi,
    address: GOVERNANCE_PRECOMPILE,
    functionName: "getProposal",
    args: [id],
    blockNumber,
  });
}

export async function chainTally(og: DevChain, id: bigint, blockNumber?: bigint) {
  return og.client.readContract({
    abi: governanceAbi,
    address: GOVERNANCE_PRECOMPILE,
    functionName: "getTallyResult",
    args: [id],
    blockNumber,
  });
}
