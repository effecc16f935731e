// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OPGToken} from "./OPGToken.sol";

/// The OPG token plus the zero-value mint and burn an ERC-20 may legally emit: Transfer(0x0 -> to, 0)
/// and Transfer(from -> 0x0, 0). The indexer must decide mint and burn by the zero address, not the amount.
contract OPGTokenWithZeroMints is OPGToken {
    constructor(address treasury) OPGToken(treasury) {}

    function mintZero(address to) external {
        _mint(to, 0);
    }

    function burnZero() external {
        _burn(msg.sender, 0);
    }
}
