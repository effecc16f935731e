import { parseAbi } from "viem";

/** Events and views of the cosmos/evm governance precompile at 0x…0805 (precompiles/gov/IGov.sol). */
export const governanceAbi = parseAbi([
  "struct Coin { string denom; uint256 amount; }",
  "struct WeightedVoteOption { uint8 option; string weight; }",
  "struct TallyResultData { string yes; string abstain; string no; string noWithVeto; }",
  "struct ProposalData { uint64 id; string[] messages; uint32 status; TallyResultData finalTallyResult; uint64 submitTime; uint64 depositEndTime; Coin[] totalDeposit; uint64 votingStartTime; uint64 votingEndTime; string metadata; string title; string summary; address proposer; }",
  "struct Params { int64 votingPeriod; Coin[] minDeposit; int64 maxDepositPeriod; string quorum; string threshold; string vetoThreshold; string minInitialDepositRatio; string proposalCancelRatio; string proposalCancelDest; int64 expeditedVotingPeriod; string expeditedThreshold; Coin[] expeditedMinDeposit; bool burnVoteQuorum; bool burnProposalDepositPrevote; bool burnVoteVeto; string minDepositRatio; }",
  "event SubmitProposal(address indexed proposer, uint64 proposalId)",
  "event CancelProposal(address indexed proposer, uint64 proposalId)",
  "event Deposit(address indexed depositor, uint64 proposalId, Coin[] amount)",
  "event Vote(address indexed voter, uint64 proposalId, uint8 option)",
  "event VoteWeighted(address indexed voter, uint64 proposalId, WeightedVoteOption[] options)",
  "function getProposal(uint64 proposalId) view returns (ProposalData proposal)",
  "function getTallyResult(uint64 proposalId) view returns (TallyResultData tallyResult)",
  "function getParams() view returns (Params params)",
]);
