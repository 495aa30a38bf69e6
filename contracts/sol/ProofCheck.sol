// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IVerifier} from "./IVerifier.sol";

/// @title ProofCheck
/// @notice One place that turns a verifier call into a plain yes/no.
/// @dev bb's HonkVerifier reverts on a bad proof instead of returning false. A revert inside
///      the verifier must never revert the caller's transaction in a way the caller cannot
///      distinguish (e.g. evidence submission must report "proof invalid", not bubble up
///      garbage), so the call is wrapped in try/catch and anything but `true` is invalid.
///      A verifier address without code makes the high-level call revert before `try` can catch
///      it, so that case is checked explicitly.
library ProofCheck {
    function verifies(IVerifier verifier, bytes calldata proof, bytes32[] calldata publicInputs)
        internal
        view
        returns (bool)
    {
        if (address(verifier).code.length == 0) return false;
        try verifier.verify(proof, publicInputs) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }
}
