// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title AttesterCommittee
/// @notice A fixed k-of-n committee of attesters whose ECDSA signatures vouch for a proposal.
/// @dev Immutable on purpose: rotating the committee means deploying a new one and pointing the
///      rollup at it, which is an upgrade (30-day timelock, or the council's fast path while a
///      Stage-2 trigger holds). Signatures are packed 65-byte (r, s, v) over a raw 32-byte
///      digest (no EIP-191 prefix), ordered by strictly increasing signer address: that makes
///      "distinct signers" a single comparison per signature and rules out counting one
///      attester twice (including through a malleated second signature).
contract AttesterCommittee {
    address[] private _attesters;
    mapping(address => bool) public isAttester;
    uint256 public immutable threshold;

    error InvalidThreshold(uint256 threshold, uint256 size);
    error InvalidAttester(address attester);
    error SignaturesLengthWrong(uint256 length);
    error NotAttester(address signer);
    error SignersNotSortedOrDistinct(address previous, address next);
    error NotEnoughAttestations(uint256 have, uint256 need);

    constructor(address[] memory attesters_, uint256 threshold_) {
        if (threshold_ == 0 || threshold_ > attesters_.length) revert InvalidThreshold(threshold_, attesters_.length);
        for (uint256 i = 0; i < attesters_.length; i++) {
            address a = attesters_[i];
            if (a == address(0) || isAttester[a]) revert InvalidAttester(a);
            isAttester[a] = true;
            _attesters.push(a);
        }
        threshold = threshold_;
    }

    function attesters() external view returns (address[] memory) {
        return _attesters;
    }

    function size() external view returns (uint256) {
        return _attesters.length;
    }

    /// @notice Reverts unless `signatures` holds at least `threshold` valid signatures of
    ///         distinct attesters over `digest`, sorted by signer address.
    /// @return count the number of signatures checked (all valid).
    function verifyAttestations(bytes32 digest, bytes calldata signatures) external view returns (uint256 count) {
        if (signatures.length % 65 != 0) revert SignaturesLengthWrong(signatures.length);
        count = signatures.length / 65;
        if (count < threshold) revert NotEnoughAttestations(count, threshold);
        address previous = address(0);
        for (uint256 i = 0; i < count; i++) {
            uint256 o = i * 65;
            bytes32 r = bytes32(signatures[o:o + 32]);
            bytes32 s = bytes32(signatures[o + 32:o + 64]);
            uint8 v = uint8(signatures[o + 64]);
            address signer = ecrecover(digest, v, r, s);
            if (!isAttester[signer]) revert NotAttester(signer);
            if (signer <= previous) revert SignersNotSortedOrDistinct(previous, signer);
            previous = signer;
        }
    }
}
