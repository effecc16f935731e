// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The InferenceSettlementRelay's events without the TEE signature check, so a test can settle for
/// any TEE id, including one the registry has never seen.
contract InferenceSettlementRelayDouble {
    event BatchSettlement(bytes32 indexed merkleRoot, uint256 batchSize, bytes walrusBlobId);
    event IndividualSettlement(
        bytes32 indexed teeId,
        address indexed ethAddress,
        bytes32 inputHash,
        bytes32 outputHash,
        uint256 timestamp,
        bytes walrusBlobId,
        bytes signature
    );

    uint256 public individualCount;
    uint256 public batchCount;
    uint256 public batchedInferences;

    function settleIndividual(
        bytes32 teeId,
        address ethAddress,
        bytes32 inputHash,
        bytes32 outputHash,
        uint256 timestamp,
        bytes calldata walrusBlobId,
        bytes calldata signature
    ) external {
        individualCount += 1;
        emit IndividualSettlement(teeId, ethAddress, inputHash, outputHash, timestamp, walrusBlobId, signature);
    }

    function batchSettle(bytes32 merkleRoot, uint256 batchSize, bytes calldata walrusBlobId) external {
        require(batchSize > 0, "empty batch");
        batchCount += 1;
        batchedInferences += batchSize;
        emit BatchSettlement(merkleRoot, batchSize, walrusBlobId);
    }
}
