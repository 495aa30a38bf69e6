// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IVerifier} from "./IVerifier.sol";
import {AttesterCommittee} from "./AttesterCommittee.sol";
import {Statement} from "./Statement.sol";
import {ProofCheck} from "./ProofCheck.sol";

/// @title Rollup
/// @notice The pending and proven chains of difftower checkpoints.
///         - `propose`: a proposer posts checkpoint n = pendingTip + 1 with its data (header,
///           L1-to-L2 messages, blob fields as calldata: the data availability), the claimed
///           post-state (whose archive root is "the claimed archive root") and the committee's
///           attestations. The pre-state is checkpoint n-1's claimed post-state (checkpoint 0 is
///           the genesis fixed at deployment).
///         - `submitProof`: a proof of the statement (pre, data, post) of checkpoint
///           provenTip + 1, within its proof deadline, moves the proven chain forward.
///         - `prune`: once the first unproven checkpoint's deadline has passed, anyone removes
///           the whole unproven suffix (later checkpoints build on it).
/// @dev Only commitments are stored: per checkpoint keccak hashes of the data and the
///      post-state, and its proposal time. The raw values are in the proposal's calldata and
///      in the `CheckpointProposed` event (post-state). Everything that is not a normal path is
///      reachable only through the StageTwoGate (`gate`): verifier/committee upgrades (which the
///      gate allows from the 30-day timelock, or from the council while a trigger holds) and the
///      council's overrides of pending checkpoints (only while a trigger holds).
contract Rollup {
    using ProofCheck for IVerifier;

    bytes32 public constant ATTESTATION_DOMAIN = keccak256("difftower.attestation.v2");
    /// @notice BN254 scalar field modulus: every statement field must be below it (a verifier
    ///         that reduced x + p to x would otherwise let two byte-different statements be "the
    ///         same" to the proof and different to the contracts).
    uint256 public constant FIELD_MODULUS = Statement.P;
    /// @notice After this long without an accepted proof anyone may append a checkpoint without
    ///         attestations if it comes with its proof (`proposeWithProof`): a silent or
    ///         obstructing committee cannot hold the chain, and an honest prover can always
    ///         reset the stuck-prover clock before trigger (c) (7 days) fires.
    uint256 public constant SELF_PROPOSE_DELAY = 3 days;

    struct Checkpoint {
        bytes32 dataHash;
        bytes32 postHash;
        uint64 proposedAt;
        /// @dev The proposal counter value this checkpoint was proposed under (never reused).
        uint64 proposalId;
    }

    /// @notice The Stage-2 gate: the only caller of upgrades and overrides.
    address public immutable gate;
    /// @notice L2 chain id and version: positions 0 and 1 of every statement's pre-state.
    bytes32 public immutable l2ChainId;
    bytes32 public immutable l2Version;
    /// @notice Seconds after its proposal within which a checkpoint must be proven.
    uint256 public immutable proofWindow;

    IVerifier public verifier;
    AttesterCommittee public committee;

    /// @dev checkpoints[0] is the genesis (postHash = genesis state, always proven).
    mapping(uint256 => Checkpoint) private _checkpoints;
    uint64 public pendingTip;
    uint64 public provenTip;
    /// @notice Time of the last accepted proof (deployment time until the first one).
    uint64 public lastProofAt;
    /// @notice Proposals ever accepted. Proposal number `proposalCount + 1` is part of the
    ///         attested digest, so an attestation is good for exactly one proposal: a pruned
    ///         checkpoint cannot be re-posted at the same number by replaying its signatures.
    uint64 public proposalCount;
    /// @dev Stuck-prover clock (trigger (c)): seconds during which some checkpoint was pending
    ///      since the last accepted proof, up to `pendingSince` (the start of the current
    ///      pending stretch, 0 while nothing is pending). Idle time does not count.
    uint64 private _stuckAccrued;
    uint64 private _pendingSince;

    /// @notice Emitted once, at deployment: the genesis post-state (the pre-state of checkpoint 1)
    ///         so a watcher can rebuild every statement from events and calldata alone.
    event Genesis(bytes32 l2ChainId, bytes32 l2Version, bytes32[13] post, bytes32 postHash, uint256 proofWindow);
    /// @notice Everything that was proposed, whoever called (an EOA, a Safe, a multicall, an
    ///         EIP-7702 account): the statement is (l2ChainId, l2Version, parent post, header ‖
    ///         messages ‖ blob fields zero-padded, post). `proposalId` is the attested nonce;
    ///         `withProof` marks the permissionless path (no attestations, proven at once).
    event CheckpointProposed(
        uint256 indexed checkpoint,
        bytes32 indexed archiveRoot,
        address indexed proposer,
        bytes32 parentPostHash,
        bytes32 dataHash,
        bytes32 postHash,
        bytes32[13] post,
        uint256 proofDeadline,
        bytes32[8] header,
        bytes32[] l1ToL2Messages,
        bytes32[] blobFields,
        uint256 proposalId,
        bool withProof
    );
    event CheckpointProven(uint256 indexed checkpoint, bytes32 indexed postHash, address indexed prover);
    /// @notice Checkpoints firstPruned..lastPruned were removed from the pending chain.
    event CheckpointsPruned(uint256 firstPruned, uint256 lastPruned, bool byCouncil);
    event CheckpointPostReplaced(
        uint256 indexed checkpoint, bytes32 oldPostHash, bytes32 newPostHash, bytes32[13] post, uint256 proofDeadline
    );
    event VerifierUpgraded(address indexed previous, address indexed next);
    event CommitteeUpgraded(address indexed previous, address indexed next);

    error NotGate(address caller);
    error NoCode(address account);
    error PublicInputsMismatch(uint256 checkpoint);
    error NotNextToProve(uint256 checkpoint, uint256 provenTip, uint256 pendingTip);
    error ProofDeadlinePassed(uint256 checkpoint, uint256 deadline);
    error InvalidProof(uint256 checkpoint);
    error NothingToPrune();
    error NotPending(uint256 checkpoint);
    error SelfProposeNotOpen(uint256 opensAt);

    modifier onlyGate() {
        if (msg.sender != gate) revert NotGate(msg.sender);
        _;
    }

    constructor(
        address gate_,
        AttesterCommittee committee_,
        IVerifier verifier_,
        bytes32 l2ChainId_,
        bytes32 l2Version_,
        bytes32[13] memory genesisPost,
        uint256 proofWindow_
    ) {
        gate = gate_;
        committee = committee_;
        verifier = verifier_;
        l2ChainId = l2ChainId_;
        l2Version = l2Version_;
        proofWindow = proofWindow_;
        bytes32 genesisHash = keccak256(abi.encodePacked(genesisPost));
        _checkpoints[0] =
            Checkpoint({dataHash: bytes32(0), postHash: genesisHash, proposedAt: uint64(block.timestamp), proposalId: 0});
        lastProofAt = uint64(block.timestamp);
        emit Genesis(l2ChainId_, l2Version_, genesisPost, genesisHash, proofWindow_);
    }

    // ------------------------------------------------------------------ normal path

    /// @notice Post checkpoint pendingTip + 1 onto the pending chain.
    /// @param header the 8 checkpoint header fields (§9 positions 15..22)
    /// @param l1ToL2Messages at most 4 (zero padding implied)
    /// @param blobFields at most 96 (zero padding implied): the data availability
    /// @param post the claimed post-state (13 fields; post[11] is the claimed archive root)
    /// @param attestations packed 65-byte signatures of distinct committee members, sorted by
    ///        signer, over `attestationDigest(n, proposalCount + 1, parentPostHash, dataHash, postHash)`
    function propose(
        bytes32[8] calldata header,
        bytes32[] calldata l1ToL2Messages,
        bytes32[] calldata blobFields,
        bytes32[13] calldata post,
        bytes calldata attestations
    ) external returns (uint256 n) {
        n = _record(header, l1ToL2Messages, blobFields, post, attestations, false);
    }

    /// @notice The permissionless path: once no proof has been accepted for SELF_PROPOSE_DELAY,
    ///         anyone may append a checkpoint WITHOUT attestations if it comes with a valid proof
    ///         of its statement. The unproven pending suffix (which the prover failed to prove)
    ///         is dropped first, so the new checkpoint is provenTip + 1 and is proven at once.
    function proposeWithProof(
        bytes32[8] calldata header,
        bytes32[] calldata l1ToL2Messages,
        bytes32[] calldata blobFields,
        bytes32[13] calldata post,
        bytes calldata proof,
        bytes32[] calldata publicInputs
    ) external returns (uint256 n) {
        uint256 opensAt = uint256(lastProofAt) + SELF_PROPOSE_DELAY;
        if (block.timestamp < opensAt) revert SelfProposeNotOpen(opensAt);
        if (pendingTip > provenTip) _pruneFrom(uint256(provenTip) + 1, false);
        n = _record(header, l1ToL2Messages, blobFields, post, proof[0:0], true);
        _prove(n, proof, publicInputs);
    }

    /// @notice Prove checkpoint provenTip + 1: `publicInputs` must be exactly its statement.
    function submitProof(uint256 n, bytes calldata proof, bytes32[] calldata publicInputs) external {
        if (n != uint256(provenTip) + 1 || n > pendingTip) revert NotNextToProve(n, provenTip, pendingTip);
        uint256 deadline = proofDeadline(n);
        if (block.timestamp > deadline) revert ProofDeadlinePassed(n, deadline);
        _prove(n, proof, publicInputs);
    }

    /// @notice Remove every unproven checkpoint once the first one's proof deadline has passed.
    function prune() external {
        uint256 first = uint256(provenTip) + 1;
        if (first > pendingTip || block.timestamp <= proofDeadline(first)) revert NothingToPrune();
        _pruneFrom(first, false);
    }

    // ------------------------------------------------------------------ views

    /// @notice What each attester signs. `proposalId` (= proposalCount + 1 at proposal time)
    ///         makes every attestation single-use, also across prunes and council overrides.
    function attestationDigest(uint256 n, uint256 proposalId, bytes32 parentPostHash, bytes32 dataHash, bytes32 postHash)
        public
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encode(ATTESTATION_DOMAIN, block.chainid, address(this), n, proposalId, parentPostHash, dataHash, postHash)
        );
    }

    /// @notice The proposal counter value pending checkpoint n was proposed under (0 if n is
    ///         not pending or proven): identifies one proposal even when numbers are reused.
    function proposalIdOf(uint256 n) external view returns (uint256) {
        if (n > pendingTip) return 0;
        return _checkpoints[n].proposalId;
    }

    /// @notice Trigger (c)'s clock: seconds during which a checkpoint was pending since the last
    ///         accepted proof (idle stretches with nothing pending do not count).
    function stuckFor() public view returns (uint256) {
        uint256 t = _stuckAccrued;
        if (_pendingSince != 0) t += block.timestamp - _pendingSince;
        return t;
    }

    /// @notice When `stuckFor()` reaches `period` if the chain stays pending without a proof;
    ///         0 while nothing is pending (the clock is stopped).
    function stuckReachesAt(uint256 period) external view returns (uint256) {
        if (_pendingSince == 0) return 0;
        uint256 accrued = _stuckAccrued;
        return accrued >= period ? _pendingSince : uint256(_pendingSince) + period - accrued;
    }

    function getCheckpoint(uint256 n)
        external
        view
        returns (bytes32 dataHash, bytes32 postHash, uint256 proposedAt, uint256 deadline)
    {
        Checkpoint storage c = _checkpoints[n];
        if (n > pendingTip) return (bytes32(0), bytes32(0), 0, 0);
        return (c.dataHash, c.postHash, c.proposedAt, n == 0 ? 0 : c.proposedAt + proofWindow);
    }

    function proofDeadline(uint256 n) public view returns (uint256) {
        return uint256(_checkpoints[n].proposedAt) + proofWindow;
    }

    /// @notice Pending = proposed, not proven, not pruned: provenTip < n <= pendingTip.
    function isPending(uint256 n) public view returns (bool) {
        return n > provenTip && n <= pendingTip;
    }

    /// @notice How a 136-field statement relates to checkpoint n:
    ///         whether its pre-state and data are n's, and whether its output is n's claimed post.
    ///         Both are false for the genesis (n = 0) and for checkpoints that do not exist.
    function statementRelation(uint256 n, bytes32[] calldata publicInputs)
        public
        view
        returns (bool preAndDataMatch, bool postMatches)
    {
        Statement.requireLength(publicInputs);
        Statement.requireCanonical(publicInputs);
        if (n == 0 || n > pendingTip) return (false, false);
        Checkpoint storage c = _checkpoints[n];
        preAndDataMatch = publicInputs[0] == l2ChainId && publicInputs[1] == l2Version
            && Statement.preStateHashOf(publicInputs) == _checkpoints[n - 1].postHash
            && Statement.dataHashOf(publicInputs) == c.dataHash;
        postMatches = Statement.outputHash(publicInputs) == c.postHash;
    }

    // ------------------------------------------------------------------ gate only

    /// @notice Swap the proof verifier (e.g. for a fixed circuit). Gate only: see StageTwoGate.
    function setVerifier(IVerifier next) external onlyGate {
        if (address(next).code.length == 0) revert NoCode(address(next));
        emit VerifierUpgraded(address(verifier), address(next));
        verifier = next;
    }

    /// @notice Swap the attester committee. Gate only: see StageTwoGate.
    function setCommittee(AttesterCommittee next) external onlyGate {
        if (address(next).code.length == 0) revert NoCode(address(next));
        emit CommitteeUpgraded(address(committee), address(next));
        committee = next;
    }

    /// @notice Council override (while triggered): drop pending checkpoints `from`..pendingTip.
    function overridePrune(uint256 from) external onlyGate {
        if (!isPending(from)) revert NotPending(from);
        _pruneFrom(from, true);
    }

    /// @notice Council override (while triggered): replace pending checkpoint n's claimed
    ///         post-state. Later checkpoints built on the old post-state, so they are pruned;
    ///         n gets a fresh proof window so a proof of the replacement can land.
    function overrideReplacePost(uint256 n, bytes32[13] calldata post) external onlyGate {
        if (!isPending(n)) revert NotPending(n);
        if (n < pendingTip) _pruneFrom(n + 1, true);
        Checkpoint storage c = _checkpoints[n];
        bytes32 oldPostHash = c.postHash;
        c.postHash = Statement.postHash(post);
        c.proposedAt = uint64(block.timestamp);
        emit CheckpointPostReplaced(n, oldPostHash, c.postHash, post, block.timestamp + proofWindow);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Append checkpoint pendingTip + 1 (attested unless `withProof`) and emit its data.
    function _record(
        bytes32[8] calldata header,
        bytes32[] calldata l1ToL2Messages,
        bytes32[] calldata blobFields,
        bytes32[13] calldata post,
        bytes calldata attestations,
        bool withProof
    ) private returns (uint256 n) {
        n = uint256(pendingTip) + 1;
        uint256 id = uint256(proposalCount) + 1;
        bytes32 dataHash = Statement.dataHash(header, l1ToL2Messages, blobFields);
        bytes32 postHash = Statement.postHash(post);
        Statement.requireCanonicalData(header, l1ToL2Messages, blobFields, post);
        if (!withProof) {
            committee.verifyAttestations(
                attestationDigest(n, id, _checkpoints[n - 1].postHash, dataHash, postHash), attestations
            );
        }
        _checkpoints[n] = Checkpoint({
            dataHash: dataHash, postHash: postHash, proposedAt: uint64(block.timestamp), proposalId: uint64(id)
        });
        if (pendingTip == provenTip) _pendingSince = uint64(block.timestamp);
        pendingTip = uint64(n);
        proposalCount = uint64(id);
        _emitProposed(header, l1ToL2Messages, blobFields, post, withProof);
    }

    /// @dev The static head of CheckpointProposed's data, in event order: ABI-encoding this
    ///      struct inline then the two arrays, id and flag is exactly the event's data encoding.
    struct ProposedHead {
        bytes32 parentPostHash;
        bytes32 dataHash;
        bytes32 postHash;
        bytes32[13] post;
        uint256 proofDeadline;
        bytes32[8] header;
    }

    /// @dev Emits CheckpointProposed for the checkpoint just appended (pendingTip). Built by
    ///      hand (abi.encode + log4) because `emit` with 13 arguments is "stack too deep"
    ///      without viaIR; the encoding is the declared event's (decoded by viem in the tests).
    function _emitProposed(
        bytes32[8] calldata header,
        bytes32[] calldata l1ToL2Messages,
        bytes32[] calldata blobFields,
        bytes32[13] calldata post,
        bool withProof
    ) private {
        uint256 n = pendingTip;
        ProposedHead memory head = ProposedHead({
            parentPostHash: _checkpoints[n - 1].postHash,
            dataHash: _checkpoints[n].dataHash,
            postHash: _checkpoints[n].postHash,
            post: post,
            proofDeadline: block.timestamp + proofWindow,
            header: header
        });
        bytes memory data = abi.encode(head, l1ToL2Messages, blobFields, uint256(proposalCount), withProof);
        bytes32 sig = CheckpointProposed.selector;
        bytes32 archiveRoot = post[Statement.POST_ARCHIVE_ROOT];
        assembly ("memory-safe") {
            log4(add(data, 32), mload(data), sig, n, archiveRoot, caller())
        }
    }

    function _prove(uint256 n, bytes calldata proof, bytes32[] calldata publicInputs) private {
        Statement.requireLength(publicInputs);
        (bool preAndDataMatch, bool postMatches) = statementRelation(n, publicInputs);
        if (!preAndDataMatch || !postMatches) revert PublicInputsMismatch(n);
        if (!verifier.verifies(proof, publicInputs)) revert InvalidProof(n);
        provenTip = uint64(n);
        lastProofAt = uint64(block.timestamp);
        _stuckAccrued = 0;
        _pendingSince = pendingTip > n ? uint64(block.timestamp) : 0;
        emit CheckpointProven(n, _checkpoints[n].postHash, msg.sender);
    }

    function _pruneFrom(uint256 from, bool byCouncil) private {
        uint256 last = pendingTip;
        pendingTip = uint64(from - 1);
        if (pendingTip == provenTip && _pendingSince != 0) {
            _stuckAccrued += uint64(block.timestamp) - _pendingSince;
            _pendingSince = 0;
        }
        emit CheckpointsPruned(from, last, byCouncil);
    }
}
