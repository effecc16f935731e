// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IStakingDoubleView {
    struct Description {
        string moniker;
        string identity;
        string website;
        string securityContact;
        string details;
    }

    struct Validator {
        string operatorAddress;
        string consensusPubkey;
        bool jailed;
        uint8 status;
        uint256 tokens;
        uint256 delegatorShares;
        Description description;
        int64 unbondingHeight;
        int64 unbondingTime;
        uint256 commission;
        uint256 minSelfDelegation;
    }

    function validatorAddresses() external view returns (address[] memory);
    function validator(address validatorAddress) external view returns (Validator memory);
    function delegation(address delegatorAddress, address validatorAddress) external view returns (uint256 shares, uint256 balance);
}

/// A stand-in for the cosmos/evm governance precompile at 0x…0805: the same events, transactions
/// and views (getProposal, getTallyResult, getVote, getParams), with x/gov's tally weighed by the
/// staking double's bonded delegations. The chain's end blocker has no EVM entry point; tests call
/// `endBlocker()`, which emits nothing, as on the real chain. Placed with anvil_setCode: no constructor state.
contract GovernancePrecompileDouble {
    struct Coin {
        string denom;
        uint256 amount;
    }

    struct WeightedVoteOption {
        uint8 option;
        string weight;
    }

    struct WeightedVote {
        uint64 proposalId;
        address voter;
        WeightedVoteOption[] options;
        string metadata;
    }

    struct TallyResultData {
        string yes;
        string abstain;
        string no;
        string noWithVeto;
    }

    struct ProposalData {
        uint64 id;
        string[] messages;
        uint32 status;
        TallyResultData finalTallyResult;
        uint64 submitTime;
        uint64 depositEndTime;
        Coin[] totalDeposit;
        uint64 votingStartTime;
        uint64 votingEndTime;
        string metadata;
        string title;
        string summary;
        address proposer;
    }

    struct Params {
        int64 votingPeriod;
        Coin[] minDeposit;
        int64 maxDepositPeriod;
        string quorum;
        string threshold;
        string vetoThreshold;
        string minInitialDepositRatio;
        string proposalCancelRatio;
        string proposalCancelDest;
        int64 expeditedVotingPeriod;
        string expeditedThreshold;
        Coin[] expeditedMinDeposit;
        bool burnVoteQuorum;
        bool burnProposalDepositPrevote;
        bool burnVoteVeto;
        string minDepositRatio;
    }

    struct Stored {
        bool exists;
        uint32 status;
        address proposer;
        uint64 submitTime;
        uint64 depositEndTime;
        uint64 votingStartTime;
        uint64 votingEndTime;
        uint256 deposit;
        string title;
        string summary;
        string metadata;
        string[] messages;
        uint256[4] finalTally;
    }

    event SubmitProposal(address indexed proposer, uint64 proposalId);
    event CancelProposal(address indexed proposer, uint64 proposalId);
    event Deposit(address indexed depositor, uint64 proposalId, Coin[] amount);
    event Vote(address indexed voter, uint64 proposalId, uint8 option);
    event VoteWeighted(address indexed voter, uint64 proposalId, WeightedVoteOption[] options);

    IStakingDoubleView internal constant STAKING = IStakingDoubleView(0x0000000000000000000000000000000000000800);
    string public constant DENOM = "aopg";
    uint256 public constant MIN_DEPOSIT = 1000 ether;
    uint64 public constant MAX_DEPOSIT_PERIOD = 2 days;
    uint64 public constant VOTING_PERIOD = 3 days;
    uint256 internal constant WAD = 1e18;
    /// x/gov defaults: quorum 33.4%, threshold 50%, veto 33.4%, as 18-decimal fractions.
    uint256 internal constant QUORUM = 334e15;
    uint256 internal constant THRESHOLD = 5e17;
    uint256 internal constant VETO = 334e15;

    /// ProposalStatus: 1 deposit period, 2 voting period, 3 passed, 4 rejected, 5 failed.
    uint32 internal constant DEPOSIT_PERIOD = 1;
    uint32 internal constant VOTING = 2;
    uint32 internal constant PASSED = 3;
    uint32 internal constant REJECTED = 4;

    uint64 public proposalCount;
    mapping(uint64 => Stored) internal proposals;
    mapping(uint64 => address[]) internal voters;
    mapping(uint64 => mapping(address => bool)) internal hasVoted;
    /// Per proposal and voter: the weight (18-decimal fraction) of each option, index = VoteOption.
    mapping(uint64 => mapping(address => uint256[5])) internal weights;
    mapping(uint64 => mapping(address => string)) internal voteMetadata;

    function submitProposal(address proposer, bytes calldata jsonProposal, Coin[] calldata deposit_)
        external
        returns (uint64 proposalId)
    {
        require(msg.sender == proposer, "proposer must be the sender");
        proposalId = ++proposalCount;
        Stored storage p = proposals[proposalId];
        p.exists = true;
        p.status = DEPOSIT_PERIOD;
        p.proposer = proposer;
        p.submitTime = uint64(block.timestamp);
        p.depositEndTime = uint64(block.timestamp) + MAX_DEPOSIT_PERIOD;
        p.title = _stringField(jsonProposal, '"title":"');
        p.summary = _stringField(jsonProposal, '"summary":"');
        p.metadata = _stringField(jsonProposal, '"metadata":"');
        _messages(p, jsonProposal);
        emit SubmitProposal(proposer, proposalId);
        _addDeposit(proposalId, _sum(deposit_));
    }

    function cancelProposal(address proposer, uint64 proposalId) external returns (bool) {
        Stored storage p = proposals[proposalId];
        require(msg.sender == proposer && p.exists && p.proposer == proposer, "not the proposer");
        require(p.status == DEPOSIT_PERIOD || p.status == VOTING, "proposal ended");
        delete proposals[proposalId];
        emit CancelProposal(proposer, proposalId);
        return true;
    }

    function deposit(address depositor, uint64 proposalId, Coin[] calldata amount) external returns (bool) {
        require(msg.sender == depositor, "depositor must be the sender");
        Stored storage p = proposals[proposalId];
        require(p.exists && (p.status == DEPOSIT_PERIOD || p.status == VOTING), "inactive proposal");
        emit Deposit(depositor, proposalId, amount);
        _addDeposit(proposalId, _sum(amount));
        return true;
    }

    function vote(address voter, uint64 proposalId, uint8 option, string memory metadata) external returns (bool) {
        require(option >= 1 && option <= 4, "invalid option");
        uint256[5] memory w;
        w[option] = WAD;
        _record(voter, proposalId, w, metadata);
        emit Vote(voter, proposalId, option);
        return true;
    }

    function voteWeighted(address voter, uint64 proposalId, WeightedVoteOption[] calldata options, string memory metadata)
        external
        returns (bool)
    {
        uint256[5] memory w;
        uint256 total;
        for (uint256 i = 0; i < options.length; i++) {
            uint8 option = options[i].option;
            require(option >= 1 && option <= 4 && w[option] == 0, "invalid option");
            w[option] = _parseDec(bytes(options[i].weight));
            require(w[option] > 0, "zero weight");
            total += w[option];
        }
        require(total == WAD, "weights must add up to 1");
        _record(voter, proposalId, w, metadata);
        emit VoteWeighted(voter, proposalId, options);
        return true;
    }

    /// Test-only: what x/gov's end blocker does once a period's end time has passed.
    function endBlocker() external {
        for (uint64 id = 1; id <= proposalCount; id++) {
            Stored storage p = proposals[id];
            if (!p.exists) continue;
            if (p.status == DEPOSIT_PERIOD && block.timestamp >= p.depositEndTime) {
                // x/gov deletes a proposal that never reached the minimum deposit.
                delete proposals[id];
            } else if (p.status == VOTING && block.timestamp >= p.votingEndTime) {
                (uint256[4] memory tally, uint256 power, uint256 bonded) = _tally(id);
                p.finalTally = tally;
                p.status = _outcome(tally, power, bonded);
            }
        }
    }

    function getProposal(uint64 proposalId) external view returns (ProposalData memory out) {
        Stored storage p = proposals[proposalId];
        require(p.exists, "proposal not found");
        out.id = proposalId;
        out.messages = p.messages;
        out.status = p.status;
        uint256[4] memory tally = p.finalTally;
        out.finalTallyResult = _tallyData(tally);
        out.submitTime = p.submitTime;
        out.depositEndTime = p.depositEndTime;
        out.totalDeposit = new Coin[](1);
        out.totalDeposit[0] = Coin(DENOM, p.deposit);
        out.votingStartTime = p.votingStartTime;
        out.votingEndTime = p.votingEndTime;
        out.metadata = p.metadata;
        out.title = p.title;
        out.summary = p.summary;
        out.proposer = p.proposer;
    }

    /// The live tally while voting is open, the final one after.
    function getTallyResult(uint64 proposalId) external view returns (TallyResultData memory) {
        Stored storage p = proposals[proposalId];
        require(p.exists, "proposal not found");
        if (p.status == VOTING) {
            (uint256[4] memory tally,,) = _tally(proposalId);
            return _tallyData(tally);
        }
        return _tallyData(p.finalTally);
    }

    function getVote(uint64 proposalId, address voter) external view returns (WeightedVote memory out) {
        require(hasVoted[proposalId][voter], "vote not found");
        uint256[5] memory w = weights[proposalId][voter];
        uint256 count;
        for (uint8 o = 1; o <= 4; o++) if (w[o] > 0) count++;
        out.proposalId = proposalId;
        out.voter = voter;
        out.metadata = voteMetadata[proposalId][voter];
        out.options = new WeightedVoteOption[](count);
        uint256 i;
        for (uint8 o = 1; o <= 4; o++) {
            if (w[o] > 0) out.options[i++] = WeightedVoteOption(o, _formatDec(w[o]));
        }
    }

    function getParams() external pure returns (Params memory params) {
        params.votingPeriod = int64(VOTING_PERIOD);
        params.maxDepositPeriod = int64(MAX_DEPOSIT_PERIOD);
        params.minDeposit = new Coin[](1);
        params.minDeposit[0] = Coin(DENOM, MIN_DEPOSIT);
        params.quorum = "0.334000000000000000";
        params.threshold = "0.500000000000000000";
        params.vetoThreshold = "0.334000000000000000";
        params.minInitialDepositRatio = "0.000000000000000000";
        params.burnVoteVeto = true;
    }

    function _addDeposit(uint64 proposalId, uint256 amount) internal {
        Stored storage p = proposals[proposalId];
        p.deposit += amount;
        if (p.status == DEPOSIT_PERIOD && p.deposit >= MIN_DEPOSIT) {
            p.status = VOTING;
            p.votingStartTime = uint64(block.timestamp);
            p.votingEndTime = uint64(block.timestamp) + VOTING_PERIOD;
        }
    }

    /// x/gov keeps one vote per voter: a later vote replaces the earlier one.
    function _record(address voter, uint64 proposalId, uint256[5] memory w, string memory metadata) internal {
        require(msg.sender == voter, "voter must be the sender");
        require(proposals[proposalId].exists && proposals[proposalId].status == VOTING, "inactive proposal");
        if (!hasVoted[proposalId][voter]) {
            hasVoted[proposalId][voter] = true;
            voters[proposalId].push(voter);
        }
        weights[proposalId][voter] = w;
        voteMetadata[proposalId][voter] = metadata;
    }

    /// x/gov's tally: each voter's bonded delegations count for its options and are deducted from
    /// their validators; a validator that voted casts what remains of its stake. Sums are kept in
    /// 18-decimal fixed point and truncated at the end, as x/gov truncates its decimal results.
    function _tally(uint64 proposalId) internal view returns (uint256[4] memory tally, uint256 power, uint256 bonded) {
        address[] memory vals = STAKING.validatorAddresses();
        address[] storage list = voters[proposalId];
        uint256[] memory tokens = new uint256[](vals.length);
        uint256[] memory deducted = new uint256[](vals.length);
        uint256[5] memory sums;
        for (uint256 v = 0; v < vals.length; v++) {
            IStakingDoubleView.Validator memory info = STAKING.validator(vals[v]);
            if (info.jailed) continue;
            tokens[v] = info.tokens;
            bonded += info.tokens;
        }
        for (uint256 i = 0; i < list.length; i++) {
            uint256[5] memory w = weights[proposalId][list[i]];
            for (uint256 v = 0; v < vals.length; v++) {
                if (tokens[v] == 0) continue;
                (, uint256 balance) = STAKING.delegation(list[i], vals[v]);
                if (balance == 0) continue;
                deducted[v] += balance;
                power += balance;
                for (uint8 o = 1; o <= 4; o++) sums[o] += balance * w[o];
            }
        }
        for (uint256 v = 0; v < vals.length; v++) {
            if (tokens[v] == 0 || !hasVoted[proposalId][vals[v]]) continue;
            uint256 remaining = tokens[v] - deducted[v];
            uint256[5] memory w = weights[proposalId][vals[v]];
            power += remaining;
            for (uint8 o = 1; o <= 4; o++) sums[o] += remaining * w[o];
        }
        tally = [sums[1] / WAD, sums[2] / WAD, sums[3] / WAD, sums[4] / WAD];
    }

    function _outcome(uint256[4] memory tally, uint256 power, uint256 bonded) internal pure returns (uint32) {
        if (bonded == 0 || power * WAD < bonded * QUORUM) return REJECTED;
        uint256 counted = tally[0] + tally[1] + tally[2] + tally[3];
        if (counted == 0) return REJECTED;
        if (tally[3] * WAD > counted * VETO) return REJECTED;
        uint256 nonAbstain = counted - tally[1];
        if (nonAbstain == 0) return REJECTED;
        return tally[0] * WAD > nonAbstain * THRESHOLD ? PASSED : REJECTED;
    }

    function _tallyData(uint256[4] memory t) internal pure returns (TallyResultData memory) {
        return TallyResultData(_uint(t[0]), _uint(t[1]), _uint(t[2]), _uint(t[3]));
    }

    function _sum(Coin[] calldata coins) internal pure returns (uint256 total) {
        for (uint256 i = 0; i < coins.length; i++) {
            require(keccak256(bytes(coins[i].denom)) == keccak256(bytes(DENOM)), "wrong denom");
            total += coins[i].amount;
        }
    }

    /// The JSON value of `"key":"…"` in a compact document without escaped quotes; empty when absent.
    function _stringField(bytes calldata json, bytes memory key) internal pure returns (string memory) {
        uint256 start = _find(json, key, 0);
        if (start == type(uint256).max) return "";
        start += key.length;
        uint256 end = start;
        while (end < json.length && json[end] != '"') end++;
        return string(json[start:end]);
    }

    /// Each top-level object of the `"messages":[…]` array, as its JSON text.
    function _messages(Stored storage p, bytes calldata json) internal {
        uint256 at = _find(json, '"messages":[', 0);
        if (at == type(uint256).max) return;
        at += 12;
        uint256 depth;
        uint256 begin;
        for (; at < json.length; at++) {
            bytes1 c = json[at];
            if (c == "{") {
                if (depth == 0) begin = at;
                depth++;
            } else if (c == "}") {
                depth--;
                if (depth == 0) p.messages.push(string(json[begin:at + 1]));
            } else if (c == "]" && depth == 0) {
                break;
            }
        }
    }

    function _find(bytes calldata haystack, bytes memory needle, uint256 from) internal pure returns (uint256) {
        if (haystack.length < needle.length) return type(uint256).max;
        for (uint256 i = from; i + needle.length <= haystack.length; i++) {
            bool same = true;
            for (uint256 j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    same = false;
                    break;
                }
            }
            if (same) return i;
        }
        return type(uint256).max;
    }

    /// "0.25" → 0.25e18; at most 18 fractional digits.
    function _parseDec(bytes memory s) internal pure returns (uint256 value) {
        uint256 scale;
        bool point;
        for (uint256 i = 0; i < s.length; i++) {
            if (s[i] == ".") {
                require(!point, "bad decimal");
                point = true;
                continue;
            }
            require(s[i] >= "0" && s[i] <= "9", "bad decimal");
            value = value * 10 + (uint8(s[i]) - 48);
            if (point) scale++;
        }
        require(scale <= 18, "too many decimals");
        value *= 10 ** (18 - scale);
    }

    function _formatDec(uint256 wad) internal pure returns (string memory) {
        bytes memory frac = bytes(_uint(wad % WAD + WAD));
        frac[0] = ".";
        return string.concat(_uint(wad / WAD), string(frac));
    }

    function _uint(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) digits++;
        bytes memory out = new bytes(digits);
        for (; value != 0; value /= 10) out[--digits] = bytes1(uint8(48 + (value % 10)));
        return string(out);
    }
}
