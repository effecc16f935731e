// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The og-evm TEERegistry's rules and views without attestation or signature checks: the caller
/// names the TEE id and its PCR hash, which the real registry derives from the attested document.
/// lastHeartbeatAt is the block time (set by registration and by each heartbeat), heartbeatMaxAge
/// bounds both the signed timestamp a heartbeat may carry and how long a TEE stays active, and
/// revoking a PCR disables every enabled TEE running it.
contract TEERegistryDouble {
    event TEETypeAdded(uint8 indexed typeId, string name);
    event PCRApproved(bytes32 indexed pcrHash, uint8 indexed teeType, string version);
    event PCRRevoked(bytes32 indexed pcrHash, uint8 indexed teeType);
    event TEERegistered(bytes32 indexed teeId, address indexed owner, uint8 teeType);
    event TEEDisabled(bytes32 indexed teeId);
    event TEEEnabled(bytes32 indexed teeId);
    event AWSCertificateUpdated(bytes32 indexed certHash);
    event HeartbeatReceived(bytes32 indexed teeId, uint256 timestamp);

    struct TEEInfo {
        address owner;
        address paymentAddress;
        string endpoint;
        bytes publicKey;
        bytes tlsCertificate;
        bytes32 pcrHash;
        uint8 teeType;
        bool enabled;
        uint256 registeredAt;
        uint256 lastHeartbeatAt;
    }

    uint256 public heartbeatMaxAge = 1800;
    mapping(uint8 => bool) public typeExists;
    mapping(uint8 => mapping(bytes32 => bool)) private approved;
    mapping(bytes32 => TEEInfo) private tees;
    mapping(uint8 => bytes32[]) private byType;
    /// Heartbeats accepted per TEE: not in the real registry, kept for the tests.
    mapping(bytes32 => uint256) public heartbeats;

    function addTEEType(uint8 typeId, string calldata name) external {
        require(!typeExists[typeId], "type exists");
        typeExists[typeId] = true;
        emit TEETypeAdded(typeId, name);
    }

    function approvePCR(bytes32 pcrHash, uint8 teeType, string calldata version) external {
        require(typeExists[teeType], "unknown type");
        approved[teeType][pcrHash] = true;
        emit PCRApproved(pcrHash, teeType, version);
    }

    function revokePCR(bytes32 pcrHash, uint8 teeType) external {
        require(approved[teeType][pcrHash], "PCR not approved");
        approved[teeType][pcrHash] = false;
        bytes32[] storage list = byType[teeType];
        for (uint256 i = list.length; i > 0; i--) {
            TEEInfo storage tee = tees[list[i - 1]];
            if (tee.enabled && tee.pcrHash == pcrHash) {
                tee.enabled = false;
                emit TEEDisabled(list[i - 1]);
            }
        }
        emit PCRRevoked(pcrHash, teeType);
    }

    function isPCRApproved(uint8 teeType, bytes32 pcrHash) public view returns (bool) {
        return approved[teeType][pcrHash];
    }

    function registerTEE(bytes32 teeId, address owner, uint8 teeType, bytes32 pcrHash) external {
        require(typeExists[teeType], "unknown type");
        require(tees[teeId].registeredAt == 0, "already registered");
        require(approved[teeType][pcrHash], "PCR not approved");
        TEEInfo storage tee = tees[teeId];
        tee.owner = owner;
        tee.pcrHash = pcrHash;
        tee.teeType = teeType;
        tee.enabled = true;
        tee.registeredAt = block.timestamp;
        tee.lastHeartbeatAt = block.timestamp;
        byType[teeType].push(teeId);
        emit TEERegistered(teeId, owner, teeType);
    }

    function disableTEE(bytes32 teeId) external {
        require(tees[teeId].enabled, "not enabled");
        tees[teeId].enabled = false;
        emit TEEDisabled(teeId);
    }

    function enableTEE(bytes32 teeId) external {
        TEEInfo storage tee = tees[teeId];
        require(tee.registeredAt != 0, "not found");
        if (tee.enabled) return;
        require(approved[tee.teeType][tee.pcrHash], "PCR not approved");
        tee.enabled = true;
        emit TEEEnabled(teeId);
    }

    function heartbeat(bytes32 teeId, uint256 timestamp) external {
        TEEInfo storage tee = tees[teeId];
        require(tee.registeredAt != 0, "not found");
        require(tee.enabled, "not enabled");
        require(timestamp <= block.timestamp, "timestamp in the future");
        require(block.timestamp - timestamp <= heartbeatMaxAge, "timestamp too old");
        tee.lastHeartbeatAt = block.timestamp;
        heartbeats[teeId] += 1;
        emit HeartbeatReceived(teeId, timestamp);
    }

    function setHeartbeatMaxAge(uint256 maxAge) external {
        heartbeatMaxAge = maxAge;
    }

    function getTEE(bytes32 teeId) external view returns (TEEInfo memory) {
        require(tees[teeId].registeredAt != 0, "not found");
        return tees[teeId];
    }

    function isTEEActive(bytes32 teeId) external view returns (bool) {
        TEEInfo storage tee = tees[teeId];
        if (!tee.enabled) return false;
        if (block.timestamp - tee.lastHeartbeatAt > heartbeatMaxAge) return false;
        return approved[tee.teeType][tee.pcrHash];
    }
}
