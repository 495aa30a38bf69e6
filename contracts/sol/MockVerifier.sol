// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IVerifier} from "./IVerifier.sol";

/// @title MockVerifier
/// @notice A stand-in for the HonkVerifier that tests fully control: a "proof" is a 65-byte
///         ECDSA signature by `prover` over the statement. Whoever holds the prover key decides
///         which statements "have proofs", so a test models a sound proof system by signing only
///         correct transitions and a BROKEN one (trigger (b)) by signing two statements with the
///         same inputs and different outputs.
/// @dev Mirrors the generated verifier's interface and failure style: wrong statement length
///      and bad proofs revert with custom errors (unless `revertOnInvalid` is false, in which
///      case a bad proof returns false, so callers are tested against both behaviours).
///      Digest: keccak256(abi.encode(MOCK_PROOF_DOMAIN, address(this), keccak256(inputs packed))),
///      signed raw (no EIP-191 prefix). Binding the verifier address keeps proofs for one mock
///      from verifying on another (used to test verifier upgrades).
///      `reduceModP` models a verifier that reduces its public inputs mod p before checking
///      (so x and x + p verify alike): the contracts must not be fooled by it (review item 4).
contract MockVerifier is IVerifier {
    bytes32 public constant MOCK_PROOF_DOMAIN = keccak256("difftower.mock-proof.v1");
    uint256 public constant STATEMENT_LEN = 136;

    address public immutable prover;
    bool public immutable revertOnInvalid;
    bool public immutable reduceModP;
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416300301626234767917180553377;

    error PublicInputsLengthWrong();
    error ProofLengthWrong();
    error InvalidProof();

    constructor(address prover_, bool revertOnInvalid_, bool reduceModP_) {
        prover = prover_;
        revertOnInvalid = revertOnInvalid_;
        reduceModP = reduceModP_;
    }

    /// @notice The digest the prover key signs for a statement (reduced mod p if `reduceModP`).
    function proofDigest(bytes32[] calldata publicInputs) public view returns (bytes32) {
        if (!reduceModP) {
            return keccak256(abi.encode(MOCK_PROOF_DOMAIN, address(this), keccak256(abi.encodePacked(publicInputs))));
        }
        uint256[] memory reduced = new uint256[](publicInputs.length);
        for (uint256 i = 0; i < publicInputs.length; i++) reduced[i] = uint256(publicInputs[i]) % P;
        return keccak256(abi.encode(MOCK_PROOF_DOMAIN, address(this), keccak256(abi.encodePacked(reduced))));
    }

    function verify(bytes calldata proof, bytes32[] calldata publicInputs) external view returns (bool) {
        if (publicInputs.length != STATEMENT_LEN) revert PublicInputsLengthWrong();
        if (proof.length != 65) revert ProofLengthWrong();
        bytes32 r = bytes32(proof[0:32]);
        bytes32 s = bytes32(proof[32:64]);
        uint8 v = uint8(proof[64]);
        address signer = ecrecover(proofDigest(publicInputs), v, r, s);
        bool ok = signer != address(0) && signer == prover;
        if (!ok && revertOnInvalid) revert InvalidProof();
        return ok;
    }
}
