// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OPGToken} from "./OPGToken.sol";

/// The benchmark's OPG: the real token's supply and events, plus `scatter`, which moves real balances
/// many times in one transaction so a chain of a million transfers builds in minutes.
contract BenchToken is OPGToken {
    address private immutable treasury;
    uint256 public funded;

    constructor(address treasury_) OPGToken(treasury_) {
        treasury = treasury_;
    }

    /// The benchmark's holders are plain low addresses: holder(0) is the busy account.
    function holder(uint256 index) public pure returns (address) {
        return address(uint160(0x100000 + index));
    }

    /// `count` transfers: the treasury funds new holders until `holders` exist, then holders pay each
    /// other an eighth of their balance; about 1 in 100 is a burn and 1 in 40 pays holder(0).
    function scatter(uint256 seed, uint256 count, uint256 holders) external {
        for (uint256 i = 0; i < count; i++) {
            if (funded < holders) {
                _update(treasury, holder(funded), 10_000 ether);
                funded++;
                continue;
            }
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            address from = holder(r % funded);
            uint256 amount = balanceOf(from) / 8;
            if (amount == 0) {
                from = treasury;
                amount = 1 ether;
            }
            address to = (r >> 64) % 100 == 0 ? address(0) : (r >> 96) % 40 == 0 ? holder(0) : holder((r >> 128) % funded);
            _update(from, to, amount);
        }
    }
}
