// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AddressStrings} from "./AddressStrings.sol";

/// A stand-in for the Cosmos staking precompile at 0x…0800: the same events and the same
/// `validator(address)` view, with Cosmos' share accounting (a slash lowers a validator's tokens
/// and so the value of every share). It is placed with anvil_setCode, so it keeps no state a
/// constructor would set. Validators and delegators are plain addresses; msg.sender acts.
contract StakingPrecompileDouble {
    event CreateValidator(address indexed validatorAddress, uint256 value);
    event EditValidator(address indexed validatorAddress, int256 commissionRate, int256 minSelfDelegation);
    event Delegate(address indexed delegatorAddress, address indexed validatorAddress, uint256 amount, uint256 newShares);
    event Unbond(address indexed delegatorAddress, address indexed validatorAddress, uint256 amount, uint256 completionTime);
    event Redelegate(
        address indexed delegatorAddress,
        address indexed validatorSrcAddress,
        address indexed validatorDstAddress,
        uint256 amount,
        uint256 completionTime
    );
    event CancelUnbondingDelegation(
        address indexed delegatorAddress, address indexed validatorAddress, uint256 amount, uint256 creationHeight
    );

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

    /// cosmos/evm precompiles/common/Types.sol
    struct PageRequest {
        bytes key;
        uint64 offset;
        uint64 limit;
        bool countTotal;
        bool reverse;
    }

    struct PageResponse {
        bytes nextKey;
        uint64 total;
    }

    struct ValidatorState {
        bool exists;
        bool jailed;
        uint256 tokens;
        uint256 shares;
        uint256 commission;
        uint256 minSelfDelegation;
        string moniker;
    }

    struct UnbondingEntry {
        uint256 balance;
        uint256 completionTime;
    }

    /// Cosmos' BondStatus enum.
    uint8 internal constant UNBONDING = 2;
    uint8 internal constant BONDED = 3;
    /// Short enough that simulated weeks see entries mature; Cosmos chains typically use 21 days.
    uint256 public constant UNBONDING_TIME = 7 days;
    int256 internal constant DO_NOT_MODIFY = -1;

    mapping(address => ValidatorState) internal validatorStates;
    mapping(address => mapping(address => uint256)) internal shares;
    mapping(address => mapping(address => mapping(uint256 => UnbondingEntry))) internal unbondings;
    /// The real precompile lists validators with `validators(status, page)`; the governance double tallies over this list.
    address[] internal validatorList;

    function createValidator(string calldata moniker, uint256 commissionRate, uint256 minSelfDelegation, uint256 value)
        external
    {
        ValidatorState storage v = validatorStates[msg.sender];
        require(!v.exists, "validator exists");
        require(value > 0, "zero self delegation");
        v.exists = true;
        v.moniker = moniker;
        v.commission = commissionRate;
        v.minSelfDelegation = minSelfDelegation;
        validatorList.push(msg.sender);
        emit CreateValidator(msg.sender, value);
        _bond(msg.sender, msg.sender, value);
    }

    /// Negative values leave a field unchanged, as in the precompile.
    function editValidator(int256 commissionRate, int256 minSelfDelegation) external {
        ValidatorState storage v = validatorStates[msg.sender];
        require(v.exists, "no validator");
        if (commissionRate != DO_NOT_MODIFY) v.commission = uint256(commissionRate);
        if (minSelfDelegation != DO_NOT_MODIFY) v.minSelfDelegation = uint256(minSelfDelegation);
        emit EditValidator(msg.sender, commissionRate, minSelfDelegation);
    }

    function delegate(address validatorAddress, uint256 amount) external {
        uint256 newShares = _bond(msg.sender, validatorAddress, amount);
        emit Delegate(msg.sender, validatorAddress, amount, newShares);
    }

    function undelegate(address validatorAddress, uint256 amount) external returns (uint256 completionTime) {
        _unbond(msg.sender, validatorAddress, amount);
        completionTime = block.timestamp + UNBONDING_TIME;
        UnbondingEntry storage entry = unbondings[msg.sender][validatorAddress][block.number];
        entry.balance += amount;
        entry.completionTime = completionTime;
        emit Unbond(msg.sender, validatorAddress, amount, completionTime);
    }

    function redelegate(address validatorSrcAddress, address validatorDstAddress, uint256 amount)
        external
        returns (uint256 completionTime)
    {
        require(validatorSrcAddress != validatorDstAddress, "same validator");
        _unbond(msg.sender, validatorSrcAddress, amount);
        _bond(msg.sender, validatorDstAddress, amount);
        completionTime = block.timestamp + UNBONDING_TIME;
        emit Redelegate(msg.sender, validatorSrcAddress, validatorDstAddress, amount, completionTime);
    }

    function cancelUnbondingDelegation(address validatorAddress, uint256 amount, uint256 creationHeight) external {
        UnbondingEntry storage entry = unbondings[msg.sender][validatorAddress][creationHeight];
        require(entry.completionTime > block.timestamp, "no pending unbonding");
        require(amount > 0 && amount <= entry.balance, "bad amount");
        entry.balance -= amount;
        _bond(msg.sender, validatorAddress, amount);
        emit CancelUnbondingDelegation(msg.sender, validatorAddress, amount, creationHeight);
    }

    /// Test-only: a validator from the chain's genesis file, bonded without any EVM log.
    function genesisValidator(address operator, string calldata moniker, uint256 commissionRate, uint256 tokens) external {
        ValidatorState storage v = validatorStates[operator];
        require(!v.exists, "validator exists");
        v.exists = true;
        v.moniker = moniker;
        v.commission = commissionRate;
        validatorList.push(operator);
        _bond(operator, operator, tokens);
    }

    /// Test-only: what consensus does on a double sign or downtime. No EVM log, as on the real chain.
    function slash(address validatorAddress, uint256 amount) external {
        ValidatorState storage v = validatorStates[validatorAddress];
        require(v.exists && amount <= v.tokens, "bad slash");
        v.tokens -= amount;
    }

    /// Test-only: jails without an event.
    function jail(address validatorAddress) external {
        require(validatorStates[validatorAddress].exists, "no validator");
        validatorStates[validatorAddress].jailed = true;
    }

    function validator(address validatorAddress) external view returns (Validator memory out) {
        ValidatorState storage v = validatorStates[validatorAddress];
        if (!v.exists) return out;
        out.operatorAddress = AddressStrings.checksumHex(validatorAddress);
        out.jailed = v.jailed;
        out.status = v.jailed ? UNBONDING : BONDED;
        out.tokens = v.tokens;
        out.delegatorShares = v.shares;
        out.description.moniker = v.moniker;
        out.commission = v.commission;
        out.minSelfDelegation = v.minSelfDelegation;
    }

    /// As x/staking's Validators query: `status` "" lists all, else a BondStatus name; paged by key or
    /// offset, 100 to a page when no limit is given. The key is the list position to resume from.
    function validators(string calldata status, PageRequest calldata pageRequest)
        external
        view
        returns (Validator[] memory page, PageResponse memory pageResponse)
    {
        bytes32 wanted = keccak256(bytes(status));
        uint256 limit = pageRequest.limit == 0 ? 100 : pageRequest.limit;
        uint256 position = pageRequest.key.length > 0 ? abi.decode(pageRequest.key, (uint256)) : 0;
        uint256 skip = pageRequest.key.length > 0 ? 0 : pageRequest.offset;
        Validator[] memory found = new Validator[](limit);
        uint256 count;
        uint256 total;
        for (; position < validatorList.length; position++) {
            address operator = validatorList[position];
            if (bytes(status).length > 0 && keccak256(bytes(_statusName(operator))) != wanted) continue;
            total++;
            if (skip > 0) {
                skip--;
                continue;
            }
            if (count == limit) {
                if (!pageRequest.countTotal) break;
                if (pageResponse.nextKey.length == 0) pageResponse.nextKey = abi.encode(position);
                continue;
            }
            found[count++] = this.validator(operator);
        }
        if (count == limit && pageResponse.nextKey.length == 0 && position < validatorList.length) {
            pageResponse.nextKey = abi.encode(position);
        }
        if (pageRequest.countTotal) pageResponse.total = uint64(total);
        page = new Validator[](count);
        for (uint256 i = 0; i < count; i++) page[i] = found[i];
    }

    function validatorAddresses() external view returns (address[] memory) {
        return validatorList;
    }

    /// A delegation's shares and what they are worth now.
    function delegation(address delegatorAddress, address validatorAddress)
        external
        view
        returns (uint256 delegationShares, uint256 balance)
    {
        ValidatorState storage v = validatorStates[validatorAddress];
        delegationShares = shares[validatorAddress][delegatorAddress];
        balance = v.shares == 0 ? 0 : (delegationShares * v.tokens) / v.shares;
    }

    function unbondingEntry(address delegatorAddress, address validatorAddress, uint256 creationHeight)
        external
        view
        returns (uint256 balance, uint256 completionTime)
    {
        UnbondingEntry storage entry = unbondings[delegatorAddress][validatorAddress][creationHeight];
        return (entry.balance, entry.completionTime);
    }

    function _bond(address delegatorAddress, address validatorAddress, uint256 amount) internal returns (uint256 issued) {
        ValidatorState storage v = validatorStates[validatorAddress];
        require(v.exists, "no validator");
        require(amount > 0, "zero amount");
        if (v.shares == 0) {
            issued = amount;
        } else {
            require(v.tokens > 0, "validator has no tokens");
            issued = (amount * v.shares) / v.tokens;
        }
        v.tokens += amount;
        v.shares += issued;
        shares[validatorAddress][delegatorAddress] += issued;
    }

    /// Removes `amount` tokens' worth of shares, rounding the shares up so no one can take more than they hold.
    function _unbond(address delegatorAddress, address validatorAddress, uint256 amount) internal {
        ValidatorState storage v = validatorStates[validatorAddress];
        require(v.exists && amount > 0, "bad unbond");
        uint256 held = shares[validatorAddress][delegatorAddress];
        uint256 balance = v.shares == 0 ? 0 : (held * v.tokens) / v.shares;
        require(amount <= balance, "insufficient delegation");
        uint256 burned = amount == balance ? held : (amount * v.shares + v.tokens - 1) / v.tokens;
        if (burned > held) burned = held;
        shares[validatorAddress][delegatorAddress] = held - burned;
        v.shares -= burned;
        v.tokens -= amount;
    }

    function _statusName(address operator) internal view returns (string memory) {
        return validatorStates[operator].jailed ? "BOND_STATUS_UNBONDING" : "BOND_STATUS_BONDED";
    }
}
