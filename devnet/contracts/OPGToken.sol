// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// The OPG token as deployed on Base: a fixed supply of 1,000,000,000 minted once to the treasury.
contract OPGToken is ERC20, ERC20Burnable, ERC20Permit {
    constructor(address treasury) ERC20("OpenGradient", "OPG") ERC20Permit("OpenGradient") {
        _mint(treasury, 1_000_000_000 ether);
    }
}
