// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AddressStrings} from "./AddressStrings.sol";

/// A stand-in for the Cosmos distribution precompile at 0x…0801 (cosmos/evm precompiles/distribution):
/// the same events, no token movement. Consensus' reward allocation has no EVM call, so tests
/// allocate with `accrueRewards`; withdrawals then take from what was allocated, and the
/// `validatorOutstandingRewards` / `validatorCommission` views report what is left, as on chain.
/// It keeps state in mappings only (no constructor state), so it can be placed with anvil_setCode.
contract DistributionPrecompileDouble {
    event ClaimRewards(address indexed delegatorAddress, uint256 amount);
    event WithdrawDelegatorReward(address indexed delegatorAddress, address indexed validatorAddress, uint256 amount);
    event WithdrawValidatorCommission(string indexed validatorAddress, uint256 commission);
    event DepositValidatorRewardsPool(
        address indexed depositor, address indexed validatorAddress, string denom, uint256 amount
    );

    /// cosmos/evm precompiles/common/Types.sol
    struct Coin {
        string denom;
        uint256 amount;
    }

    struct DecCoin {
        string denom;
        uint256 amount;
        uint8 precision;
    }

    string internal constant DENOM = "aopg";
    /// sdk.LegacyDec carries 18 decimals; the views return its scaled integer.
    uint8 internal constant DEC_PRECISION = 18;

    mapping(address => uint256) public commissionWithdrawn;
    mapping(address => uint256) public delegatorRewardsOf;
    mapping(address => uint256) public claimedBy;
    mapping(address => uint256) internal outstanding;
    mapping(address => uint256) internal accruedCommission;
    mapping(bytes32 => address) internal byValoper;

    /// Test-only: what x/distribution's BeginBlocker allocates to a validator, commission included.
    function accrueRewards(address validatorAddress, uint256 delegatorRewards, uint256 commission) external {
        byValoper[keccak256(bytes(AddressStrings.valoper(validatorAddress)))] = validatorAddress;
        outstanding[validatorAddress] += delegatorRewards + commission;
        accruedCommission[validatorAddress] += commission;
    }

    function claimRewards(uint256 amount) external {
        claimedBy[msg.sender] += amount;
        emit ClaimRewards(msg.sender, amount);
    }

    function withdrawDelegatorRewards(address validatorAddress, uint256 amount) external {
        require(outstanding[validatorAddress] - accruedCommission[validatorAddress] >= amount, "no rewards accrued");
        outstanding[validatorAddress] -= amount;
        delegatorRewardsOf[validatorAddress] += amount;
        emit WithdrawDelegatorReward(msg.sender, validatorAddress, amount);
    }

    /// As the precompile: the caller names itself by its bech32 valoper string (either case), takes all
    /// of its commission, and the event's indexed topic is the keccak256 of the string it sent.
    function withdrawValidatorCommission(string calldata validatorAddress) external returns (Coin[] memory amount) {
        string memory own = AddressStrings.valoper(msg.sender);
        bytes32 given = keccak256(bytes(validatorAddress));
        require(given == keccak256(bytes(own)) || given == keccak256(bytes(AddressStrings.upper(own))), "requester is not msg sender");
        uint256 commission = accruedCommission[msg.sender];
        require(commission > 0, "no validator commission to withdraw");
        accruedCommission[msg.sender] = 0;
        outstanding[msg.sender] -= commission;
        commissionWithdrawn[msg.sender] += commission;
        emit WithdrawValidatorCommission(validatorAddress, commission);
        amount = new Coin[](1);
        amount[0] = Coin(DENOM, commission);
    }

    function depositValidatorRewardsPool(address validatorAddress, uint256 amount) external {
        emit DepositValidatorRewardsPool(msg.sender, validatorAddress, DENOM, amount);
    }

    function validatorOutstandingRewards(string calldata validatorAddress) external view returns (DecCoin[] memory) {
        return _decCoins(outstanding[byValoper[keccak256(bytes(validatorAddress))]]);
    }

    function validatorCommission(string calldata validatorAddress) external view returns (DecCoin[] memory) {
        return _decCoins(accruedCommission[byValoper[keccak256(bytes(validatorAddress))]]);
    }

    /// Test-only: the valoper string the chain knows a validator by, so tests need not encode bech32 themselves.
    function valoperOf(address validatorAddress) external pure returns (string memory) {
        return AddressStrings.valoper(validatorAddress);
    }

    /// Empty coins are left out of sdk.DecCoins, so a validator with nothing accrued gets an empty list.
    function _decCoins(uint256 amount) internal pure returns (DecCoin[] memory coins) {
        if (amount == 0) return coins;
        coins = new DecCoin[](1);
        coins[0] = DecCoin(DENOM, amount * 10 ** DEC_PRECISION, DEC_PRECISION);
    }
}
