// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title Statement
/// @notice The layout of the proof statement of spec/STF.md §9 (`small` profile) and the
///         keccak commitments the contracts keep instead of raw data.
/// @dev Positions (field elements, each a bytes32):
///        0..14   pre-state: chainId, version, then the 13 "state" fields below
///        15..22  checkpoint header (8)
///        23..26  L1-to-L2 messages, zero-padded to 4
///        27..122 blob fields, zero-padded to 96
///        123..135 post-state (13): blockNumber, slotNumber, timestamp, four trees' (root,
///                 nextIndex) in state-reference order, archive (root, nextIndex)
///      The 13 post-state fields of checkpoint n-1 are positions 2..14 of checkpoint n's
///      pre-state, which is how the pending chain links checkpoints without storing them.
///      Commitments: `postHash = keccak256(13 fields packed)`,
///      `dataHash = keccak256(108 fields packed, positions 15..122, zero-padded)`.
library Statement {
    uint256 internal constant TOTAL_LEN = 136;
    /// @dev Positions 0..122 are the circuit's public inputs; 123..135 its return values.
    uint256 internal constant INPUTS_LEN = 123;

    uint256 internal constant PRE_START = 0;
    /// @dev chainId and version open the pre-state; the other 13 pre-state fields are the
    ///      previous checkpoint's post-state.
    uint256 internal constant PRE_STATE_START = 2;
    uint256 internal constant DATA_START = 15;
    uint256 internal constant DATA_LEN = 108;
    uint256 internal constant HEADER_LEN = 8;
    uint256 internal constant MAX_L1_TO_L2_MSGS = 4;
    uint256 internal constant MAX_BLOB_FIELDS = 96;
    uint256 internal constant POST_START = 123;
    uint256 internal constant POST_LEN = 13;
    /// @dev Index of the archive root inside the 13 post-state fields ("the claimed archive root").
    uint256 internal constant POST_ARCHIVE_ROOT = 11;

    error StatementLengthWrong(uint256 length);
    error TooManyL1ToL2Messages(uint256 count);
    error TooManyBlobFields(uint256 count);
    /// @dev Field at statement position `index` is >= the BN254 scalar modulus.
    error NonCanonicalField(uint256 index);

    /// @dev BN254 scalar field modulus (the circuit's field).
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416300301626234767917180553377;

    /// @notice Every field of a statement is a canonical field element (< p). A verifier may
    ///         reduce its public inputs mod p, so x and x + p would be one statement to the
    ///         proof but two to the contracts (a fake disagreement or self-contradiction).
    function requireCanonical(bytes32[] calldata a) internal pure {
        for (uint256 i = 0; i < a.length; i++) {
            if (uint256(a[i]) >= P) revert NonCanonicalField(i);
        }
    }

    /// @notice The same for a proposal, reported with §9 positions.
    function requireCanonicalData(
        bytes32[8] calldata header,
        bytes32[] calldata l1ToL2Messages,
        bytes32[] calldata blobFields,
        bytes32[13] calldata post
    ) internal pure {
        for (uint256 i = 0; i < HEADER_LEN; i++) {
            if (uint256(header[i]) >= P) revert NonCanonicalField(DATA_START + i);
        }
        for (uint256 i = 0; i < l1ToL2Messages.length; i++) {
            if (uint256(l1ToL2Messages[i]) >= P) revert NonCanonicalField(DATA_START + HEADER_LEN + i);
        }
        for (uint256 i = 0; i < blobFields.length; i++) {
            if (uint256(blobFields[i]) >= P) revert NonCanonicalField(DATA_START + HEADER_LEN + MAX_L1_TO_L2_MSGS + i);
        }
        for (uint256 i = 0; i < POST_LEN; i++) {
            if (uint256(post[i]) >= P) revert NonCanonicalField(POST_START + i);
        }
    }

    /// @notice keccak256 of `len` consecutive fields of a calldata statement, from `start`.
    /// @dev Callers check `a.length` first (requireLength); no bounds check here.
    function hashRange(bytes32[] calldata a, uint256 start, uint256 len) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let size := mul(len, 32)
            calldatacopy(ptr, add(a.offset, mul(start, 32)), size)
            h := keccak256(ptr, size)
        }
    }

    function requireLength(bytes32[] calldata a) internal pure {
        if (a.length != TOTAL_LEN) revert StatementLengthWrong(a.length);
    }

    /// @notice Hash of the 123 public inputs (pre-state and checkpoint data): "the same inputs".
    function inputsHash(bytes32[] calldata a) internal pure returns (bytes32) {
        return hashRange(a, PRE_START, INPUTS_LEN);
    }

    /// @notice Hash of the 13 return values: the post-state the proof claims.
    function outputHash(bytes32[] calldata a) internal pure returns (bytes32) {
        return hashRange(a, POST_START, POST_LEN);
    }

    /// @notice Hash of the statement's checkpoint data (positions 15..122).
    function dataHashOf(bytes32[] calldata a) internal pure returns (bytes32) {
        return hashRange(a, DATA_START, DATA_LEN);
    }

    /// @notice Hash of the 13 state fields of the pre-state (positions 2..14).
    function preStateHashOf(bytes32[] calldata a) internal pure returns (bytes32) {
        return hashRange(a, PRE_STATE_START, POST_LEN);
    }

    /// @notice Commitment to a proposal's checkpoint data, zero-padded exactly like §9.
    /// @dev Proposals carry the messages and blob fields unpadded (cheaper calldata); padding
    ///      is sound (§9), so [x] and [x, 0] are the same checkpoint data.
    function dataHash(bytes32[8] calldata header, bytes32[] calldata l1ToL2Messages, bytes32[] calldata blobFields)
        internal
        pure
        returns (bytes32 h)
    {
        if (l1ToL2Messages.length > MAX_L1_TO_L2_MSGS) revert TooManyL1ToL2Messages(l1ToL2Messages.length);
        if (blobFields.length > MAX_BLOB_FIELDS) revert TooManyBlobFields(blobFields.length);
        bytes memory buf = new bytes(DATA_LEN * 32); // zero-initialised: the padding
        assembly ("memory-safe") {
            let p := add(buf, 32)
            calldatacopy(p, header, 256)
            calldatacopy(add(p, 256), l1ToL2Messages.offset, mul(l1ToL2Messages.length, 32))
            calldatacopy(add(p, 384), blobFields.offset, mul(blobFields.length, 32))
            h := keccak256(p, 3456)
        }
    }

    function postHash(bytes32[13] calldata post) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(post));
    }
}
