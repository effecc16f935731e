// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// Stands in for an x402 Permit2 proxy ("exact" or "upto"): it moves the token from an approved payer
/// to the payee, then emits the same parameterless events as the real proxies.
contract X402ProxyDouble {
    event Settled();
    event SettledWithPermit();

    function settle(IERC20 token, address payer, address payee, uint256 amount) public {
        require(token.transferFrom(payer, payee, amount), "transfer failed");
        emit Settled();
    }

    function settleWithPermit(IERC20 token, address payer, address payee, uint256 amount) public {
        require(token.transferFrom(payer, payee, amount), "transfer failed");
        emit SettledWithPermit();
    }

    /// Many settlements in one transaction, as a facilitator batching payments would produce.
    function settleBatch(
        IERC20 token,
        address[] calldata payers,
        address[] calldata payees,
        uint256[] calldata amounts,
        bool withPermit
    ) external {
        for (uint256 i = 0; i < payers.length; i++) {
            if (withPermit) settleWithPermit(token, payers[i], payees[i], amounts[i]);
            else settle(token, payers[i], payees[i], amounts[i]);
        }
    }

    /// A settlement event with no token movement at all.
    function settleNothing() external {
        emit Settled();
    }

    /// Pays in `token`, then moves a second token in the same transaction before emitting.
    function settleBeside(
        IERC20 token,
        address payer,
        address payee,
        uint256 amount,
        IERC20 foreign,
        address foreignFrom,
        address foreignTo,
        uint256 foreignAmount
    ) external {
        require(token.transferFrom(payer, payee, amount), "transfer failed");
        require(foreign.transferFrom(foreignFrom, foreignTo, foreignAmount), "foreign transfer failed");
        emit Settled();
    }
}
