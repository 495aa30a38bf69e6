// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IVerifier
/// @notice The interface of bb's generated HonkVerifier for the difftower Noir circuit.
/// @dev `_publicInputs` is the flat proof statement of spec/STF.md §9 (136 field elements:
///      123 public inputs followed by 13 return values). The generated verifier returns true
///      or REVERTS with a custom error on a bad proof; callers must treat both a revert and a
///      `false` as "invalid" (see ProofCheck).
interface IVerifier {
    function verify(bytes calldata _proof, bytes32[] calldata _publicInputs) external view returns (bool);
}
