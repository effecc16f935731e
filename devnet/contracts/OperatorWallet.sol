// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// A contract that is itself a validator's operator (a multisig or vesting wallet on a real chain):
/// whoever calls `execute` makes it call the precompiles, so the transaction's sender is not the validator.
contract OperatorWallet {
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
