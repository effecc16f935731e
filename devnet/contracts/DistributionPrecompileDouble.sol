// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// A stand-in for the Cosmos distribution precompile at 0x…0801: the same events, no token movement.
/// The caller names the amount a real chain would compute from accrued rewards. It keeps running
/// totals in mappings only (no constructor state), so tests can read back what was paid.
contract DistributionPrecompileDouble {
    event ClaimRewards(address indexed delegatorAddress, uint256 amount);
    event WithdrawDelegatorReward(address indexed delegatorAddress, address indexed validatorAddress, uint256 amount);
    event WithdrawValidatorCommission(string indexed validatorAddress, uint256 commission);
    event DepositValidatorRewardsPool(
        address indexed depositor, address indexed validatorAddress, string denom, uint256 amount
    );

    mapping(address => uint256) public commissionWithdrawn;
    mapping(address => uint256) public delegatorRewardsOf;
    mapping(address => uint256) public claimedBy;

    function claimRewards(uint256 amount) external {
        claimedBy[msg.sender] += amount;
        emit ClaimRewards(msg.sender, amount);
    }

    function withdrawDelegatorRewards(address validatorAddress, uint256 amount) external {
        delegatorRewardsOf[validatorAddress] += amount;
        emit WithdrawDelegatorReward(msg.sender, validatorAddress, amount);
    }

    /// The validator is the caller; the event carries its address as an indexed string, as the precompile does.
    function withdrawValidatorCommission(uint256 amount) external {
        commissionWithdrawn[msg.sender] += amount;
        emit WithdrawValidatorCommission(_hex(msg.sender), amount);
    }

    function depositValidatorRewardsPool(address validatorAddress, uint256 amount) external {
        emit DepositValidatorRewardsPool(msg.sender, validatorAddress, "aopg", amount);
    }

    function _hex(address account) internal pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(42);
        out[0] = "0";
        out[1] = "x";
        uint160 value = uint160(account);
        for (uint256 i = 41; i > 1; i--) {
            out[i] = digits[value & 0xf];
            value >>= 4;
        }
        return string(out);
    }
}
