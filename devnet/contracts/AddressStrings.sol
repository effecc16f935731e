// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The two spellings of an operator address the Cosmos EVM precompiles use: `validator().operatorAddress`
/// is go-ethereum's `common.Address.String()` (EIP-55 hex), while distribution calls take the bech32
/// valoper string, whose prefix on OpenGradient is "ogvaloper" (og-evm evmd/config/bech32.go).
library AddressStrings {
    bytes internal constant HEX = "0123456789abcdef";
    bytes internal constant CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    string internal constant VALOPER_PREFIX = "ogvaloper";

    function checksumHex(address account) internal pure returns (string memory) {
        bytes memory lower = new bytes(40);
        uint160 value = uint160(account);
        for (uint256 i = 40; i > 0; i--) {
            lower[i - 1] = HEX[value & 0xf];
            value >>= 4;
        }
        bytes32 hash = keccak256(lower);
        bytes memory out = new bytes(42);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < 40; i++) {
            bytes1 char = lower[i];
            uint8 nibble = uint8(hash[i / 2]) >> (i % 2 == 0 ? 4 : 0) & 0xf;
            out[i + 2] = char >= "a" && nibble >= 8 ? bytes1(uint8(char) - 32) : char;
        }
        return string(out);
    }

    function valoper(address account) internal pure returns (string memory) {
        bytes memory hrp = bytes(VALOPER_PREFIX);
        uint8[] memory words = new uint8[](32);
        uint160 value = uint160(account);
        for (uint256 i = 32; i > 0; i--) {
            words[i - 1] = uint8(value & 31);
            value >>= 5;
        }
        uint32 check = 1;
        for (uint256 i = 0; i < hrp.length; i++) check = _polymodStep(check, uint8(hrp[i]) >> 5);
        check = _polymodStep(check, 0);
        for (uint256 i = 0; i < hrp.length; i++) check = _polymodStep(check, uint8(hrp[i]) & 31);
        for (uint256 i = 0; i < 32; i++) check = _polymodStep(check, words[i]);
        for (uint256 i = 0; i < 6; i++) check = _polymodStep(check, 0);
        check ^= 1;

        bytes memory out = new bytes(hrp.length + 1 + 32 + 6);
        for (uint256 i = 0; i < hrp.length; i++) out[i] = hrp[i];
        out[hrp.length] = "1";
        for (uint256 i = 0; i < 32; i++) out[hrp.length + 1 + i] = CHARSET[words[i]];
        for (uint256 i = 0; i < 6; i++) out[hrp.length + 33 + i] = CHARSET[(check >> (5 * (5 - i))) & 31];
        return string(out);
    }

    /// Bech32 decoders accept a string in all upper case as well.
    function upper(string memory text) internal pure returns (string memory) {
        bytes memory out = bytes(text);
        bytes memory copy = new bytes(out.length);
        for (uint256 i = 0; i < out.length; i++) {
            copy[i] = out[i] >= "a" && out[i] <= "z" ? bytes1(uint8(out[i]) - 32) : out[i];
        }
        return string(copy);
    }

    function _polymodStep(uint32 check, uint8 value) private pure returns (uint32) {
        uint32 top = check >> 25;
        check = ((check & 0x1ffffff) << 5) ^ value;
        if (top & 1 != 0) check ^= 0x3b6a57b2;
        if (top & 2 != 0) check ^= 0x26508e6d;
        if (top & 4 != 0) check ^= 0x1ea119fa;
        if (top & 8 != 0) check ^= 0x3d4233dd;
        if (top & 16 != 0) check ^= 0x2a1462b3;
        return check;
    }
}
