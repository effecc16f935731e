// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The TEERegistry's events and state without attestation checks: the owner registers TEEs by id,
/// and a heartbeat records the timestamp the TEE sent, as the real registry does after verifying it.
contract TEERegistryDouble {
    event TEETypeAdded(uint8 indexed typeId, string name);
    event PCRApproved(bytes32 indexed pcrHash, uint8 indexed teeType, string version);
    event PCRRevoked(bytes32 indexed pcrHash, uint8 indexed teeType);
    event TEERegistered(bytes32 indexed teeId, address indexed owner, uint8 teeType);
    event TEEDisabled(bytes32 indexed teeId);
    event TEEEnabled(bytes32 indexed teeId);
    event AWSCertificateUpdated(bytes32 indexed certHash);
    event HeartbeatReceived(bytes32 indexed teeId, uint256 timestamp);

    struct TEE {
        address owner;
        uint8 teeType;
        bool registered;
        bool enabled;
        uint256 registeredAt;
        uint256 lastHeartbeatAt;
        uint256 heartbeats;
    }

    mapping(uint8 => bool) public typeExists;
    mapping(bytes32 => mapping(uint8 => bool)) public pcrApproved;
    mapping(bytes32 => TEE) public tees;

    function addTEEType(uint8 typeId, string calldata name) external {
        require(!typeExists[typeId], "type exists");
        typeExists[typeId] = true;
        emit TEETypeAdded(typeId, name);
    }

    function approvePCR(bytes32 pcrHash, uint8 teeType, string calldata version) external {
        require(typeExists[teeType], "unknown type");
        pcrApproved[pcrHash][teeType] = true;
        emit PCRApproved(pcrHash, teeType, version);
    }

    function revokePCR(bytes32 pcrHash, uint8 teeType) external {
        require(pcrApproved[pcrHash][teeType], "not approved");
        pcrApproved[pcrHash][teeType] = false;
        emit PCRRevoked(pcrHash, teeType);
    }

    function registerTEE(bytes32 teeId, address owner, uint8 teeType) external {
        require(typeExists[teeType], "unknown type");
        require(!tees[teeId].registered, "already registered");
        tees[teeId] = TEE(owner, teeType, true, true, block.timestamp, 0, 0);
        emit TEERegistered(teeId, owner, teeType);
    }

    function disableTEE(bytes32 teeId) external {
        require(tees[teeId].enabled, "not enabled");
        tees[teeId].enabled = false;
        emit TEEDisabled(teeId);
    }

    function enableTEE(bytes32 teeId) external {
        require(tees[teeId].registered && !tees[teeId].enabled, "not disabled");
        tees[teeId].enabled = true;
        emit TEEEnabled(teeId);
    }

    function heartbeat(bytes32 teeId, uint256 timestamp) external {
        require(tees[teeId].enabled, "not enabled");
        require(timestamp <= block.timestamp, "timestamp in the future");
        tees[teeId].lastHeartbeatAt = timestamp;
        tees[teeId].heartbeats += 1;
        emit HeartbeatReceived(teeId, timestamp);
    }
}
