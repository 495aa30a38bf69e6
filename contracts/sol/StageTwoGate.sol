// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IVerifier} from "./IVerifier.sol";
import {AttesterCommittee} from "./AttesterCommittee.sol";
import {Rollup} from "./Rollup.sol";
import {Statement} from "./Statement.sol";
import {ProofCheck} from "./ProofCheck.sol";

/// @title StageTwoGate
/// @notice Decides, on-chain, when the security council may act on the rollup and on what, and
///         routes every upgrade. Each trigger gives the council only the power its bug needs:
///         (a) disagreement: a valid proof whose pre-state and data are a PENDING checkpoint's
///             but whose output differs from that checkpoint's attested post-state. This is no
///             bug in the proof system (the wrong root cannot be proven anyway), so for
///             TRIGGER_WINDOW the council may only prune THAT checkpoint (and what follows it)
///             or replace its post-state with the PROVEN output. No upgrade, nothing else.
///         (b) self-contradiction: two valid proofs with the same 123 inputs and different
///             outputs: the proof system is unsound. For TRIGGER_WINDOW the council may
///             upgrade the verifier at once and prune or replace any pending checkpoint.
///         (c) stuck prover: a checkpoint has been pending for STUCK_PROVER_PERIOD in total
///             since the last accepted proof (idle time does not count; Rollup.stuckFor). While
///             it holds the council has the same powers as under (b). A silent or obstructing
///             committee cannot manufacture it: after Rollup.SELF_PROPOSE_DELAY (3 days) without
///             a proof anyone may append a proven checkpoint without attestations, which ends it.
///         Otherwise upgrades come only from the UpgradeTimelock (30-day delay), and the
///         attester committee is replaced only through the timelock (it decides liveness, not
///         safety, and the permissionless path covers its failure).
/// @dev Proven checkpoints are never touched: overrides apply to the pending chain only.
contract StageTwoGate {
    using ProofCheck for IVerifier;

    uint256 public constant STUCK_PROVER_PERIOD = 7 days;
    uint256 public constant TRIGGER_WINDOW = 7 days;

    bytes32 private constant DISAGREEMENT = keccak256("difftower.evidence.disagreement");
    bytes32 private constant SELF_CONTRADICTION = keccak256("difftower.evidence.self-contradiction");

    Rollup public immutable rollup;
    address public immutable council;
    address public immutable timelock;

    /// @notice An open trigger (a) on one proposal (Rollup.proposalIdOf): its checkpoint number,
    ///         the output the evidence proved, and until when the council may act on it.
    struct Dispute {
        uint64 checkpoint;
        uint64 until;
        uint64 epoch;
        bytes32 provenPostHash;
    }

    /// @notice Trigger (b) holds while block.timestamp < unsoundUntil.
    uint256 public unsoundUntil;
    /// @notice The latest end of any evidence window, (a) or (b) (informational, for watchers).
    uint256 public triggeredUntil;
    /// @notice Disputes keyed by proposal id; `closeTrigger` bumps `epoch`, which ends them all.
    mapping(uint256 => Dispute) public disputes;
    uint64 public epoch;
    /// @notice Evidence already used, keyed by kind and content (see evidenceKey*).
    mapping(bytes32 => bool) public evidenceUsed;

    event DisagreementProven(
        uint256 indexed checkpoint,
        bytes32 indexed statementHash,
        bytes32 attestedPostHash,
        bytes32 provenPostHash,
        address submitter,
        uint256 triggeredUntil
    );
    event SelfContradictionProven(
        bytes32 indexed inputsHash, bytes32 postHashA, bytes32 postHashB, address submitter, uint256 triggeredUntil
    );
    event TriggerClosed(address by);
    event FastUpgrade(bytes4 indexed selector, address indexed next);
    event CouncilOverride(bytes4 indexed selector, uint256 indexed checkpoint);

    error NotCouncil(address caller);
    error NotUpgrader(address caller);
    error NotTriggered();
    error NotPending(uint256 checkpoint);
    error NotDisputed(uint256 checkpoint);
    error NotProvenOutput(uint256 checkpoint, bytes32 provenPostHash);
    error EvidenceAlreadyUsed(bytes32 key);
    error InputsDoNotMatchCheckpoint(uint256 checkpoint);
    error OutputMatchesAttested(uint256 checkpoint);
    error InputsDiffer();
    error OutputsEqual();
    error InvalidProof(uint256 which);

    modifier onlyCouncil() {
        if (msg.sender != council) revert NotCouncil(msg.sender);
        _;
    }

    /// @param rollup_ the rollup this gate controls (deployed right after the gate; its address
    ///        is predicted from the deployer's nonce and cross-checked by the deploy script).
    constructor(Rollup rollup_, address council_, address timelock_) {
        rollup = rollup_;
        council = council_;
        timelock = timelock_;
    }

    // ------------------------------------------------------------------ trigger status

    /// @notice Trigger (c): some checkpoint is pending and checkpoints have been pending for
    ///         7 days in total since the last accepted proof.
    function isProverStuck() public view returns (bool) {
        return rollup.pendingTip() > rollup.provenTip() && rollup.stuckFor() >= STUCK_PROVER_PERIOD;
    }

    /// @notice Trigger (b) holds (the proof system contradicted itself within the window).
    function isUnsound() public view returns (bool) {
        return block.timestamp < unsoundUntil;
    }

    /// @notice (b) or (c): the council may upgrade the verifier at once and override any
    ///         pending checkpoint.
    function hasBroadPowers() public view returns (bool) {
        return isUnsound() || isProverStuck();
    }

    /// @notice Trigger (a) holds on pending checkpoint n (this very proposal of it).
    function isDisputed(uint256 n) public view returns (bool) {
        if (!rollup.isPending(n)) return false;
        Dispute storage d = disputes[rollup.proposalIdOf(n)];
        return d.until > block.timestamp && d.epoch == epoch && d.checkpoint == n;
    }

    /// @notice True while any trigger holds somewhere (informational: what the council may do
    ///         depends on which, see hasBroadPowers and isDisputed).
    function isTriggered() public view returns (bool) {
        return block.timestamp < triggeredUntil || isProverStuck();
    }

    /// @notice When trigger (c) will hold if nothing is proven before (0 while nothing is pending).
    function stuckFrom() external view returns (uint256) {
        return rollup.stuckReachesAt(STUCK_PROVER_PERIOD);
    }

    /// @dev Keyed by the disputed proposal (its proposal id) and the statement: the same wrong
    ///      root re-proposed under fresh attestations is a new proposal and can be disputed again.
    function evidenceKeyDisagreement(uint256 proposalId, bytes32 statementHash) public pure returns (bytes32) {
        return keccak256(abi.encode(DISAGREEMENT, proposalId, statementHash));
    }

    /// @dev Unordered in the two outputs, so swapping proofs A and B is the same evidence.
    function evidenceKeySelfContradiction(bytes32 inputsHash, bytes32 postHashA, bytes32 postHashB)
        public
        pure
        returns (bytes32)
    {
        (bytes32 lo, bytes32 hi) = postHashA < postHashB ? (postHashA, postHashB) : (postHashB, postHashA);
        return keccak256(abi.encode(SELF_CONTRADICTION, inputsHash, lo, hi));
    }

    // ------------------------------------------------------------------ evidence (anyone)

    /// @notice Trigger (a): `publicInputs` has pending checkpoint n's pre-state and data, a
    ///         different output than n's attested post-state, and `proof` verifies it with the
    ///         rollup's current verifier. Opens a dispute on this proposal of n only.
    function proveDisagreement(uint256 n, bytes calldata proof, bytes32[] calldata publicInputs) external {
        if (!rollup.isPending(n)) revert NotPending(n);
        Statement.requireLength(publicInputs);
        (bool preAndDataMatch, bool postMatches) = rollup.statementRelation(n, publicInputs); // canonical
        if (!preAndDataMatch) revert InputsDoNotMatchCheckpoint(n);
        if (postMatches) revert OutputMatchesAttested(n);
        uint256 proposalId = rollup.proposalIdOf(n);
        bytes32 statementHash = Statement.hashRange(publicInputs, 0, Statement.TOTAL_LEN);
        bytes32 key = evidenceKeyDisagreement(proposalId, statementHash);
        if (evidenceUsed[key]) revert EvidenceAlreadyUsed(key);
        if (!rollup.verifier().verifies(proof, publicInputs)) revert InvalidProof(0);
        evidenceUsed[key] = true;
        bytes32 proven = Statement.outputHash(publicInputs);
        uint256 until = block.timestamp + TRIGGER_WINDOW;
        disputes[proposalId] =
            Dispute({checkpoint: uint64(n), until: uint64(until), epoch: epoch, provenPostHash: proven});
        if (until > triggeredUntil) triggeredUntil = until;
        (, bytes32 attestedPostHash,,) = rollup.getCheckpoint(n);
        emit DisagreementProven(n, statementHash, attestedPostHash, proven, msg.sender, until);
    }

    /// @notice Trigger (b): two proofs that both verify, same 123 inputs, different outputs.
    function proveSelfContradiction(
        bytes calldata proofA,
        bytes32[] calldata publicInputsA,
        bytes calldata proofB,
        bytes32[] calldata publicInputsB
    ) external {
        Statement.requireLength(publicInputsA);
        Statement.requireLength(publicInputsB);
        // x and x + p are one statement to a verifier that reduces its inputs: both must be canonical
        Statement.requireCanonical(publicInputsA);
        Statement.requireCanonical(publicInputsB);
        bytes32 inputsHash = Statement.inputsHash(publicInputsA);
        if (Statement.inputsHash(publicInputsB) != inputsHash) revert InputsDiffer();
        bytes32 postA = Statement.outputHash(publicInputsA);
        bytes32 postB = Statement.outputHash(publicInputsB);
        if (postA == postB) revert OutputsEqual();
        bytes32 key = evidenceKeySelfContradiction(inputsHash, postA, postB);
        if (evidenceUsed[key]) revert EvidenceAlreadyUsed(key);
        IVerifier v = rollup.verifier();
        if (!v.verifies(proofA, publicInputsA)) revert InvalidProof(0);
        if (!v.verifies(proofB, publicInputsB)) revert InvalidProof(1);
        evidenceUsed[key] = true;
        uint256 until = block.timestamp + TRIGGER_WINDOW;
        if (until > unsoundUntil) unsoundUntil = until;
        if (until > triggeredUntil) triggeredUntil = until;
        emit SelfContradictionProven(inputsHash, postA, postB, msg.sender, until);
    }

    // ------------------------------------------------------------------ council overrides

    /// @notice Drop pending checkpoints `from`..pendingTip: under (a) only from the disputed
    ///         checkpoint itself, under (b)/(c) from any pending one.
    function councilPrune(uint256 from) external onlyCouncil {
        if (!hasBroadPowers()) _requireDisputed(from);
        rollup.overridePrune(from);
        emit CouncilOverride(this.councilPrune.selector, from);
    }

    /// @notice Replace pending checkpoint n's post-state (and drop the checkpoints after it):
    ///         under (a) only the disputed checkpoint, and only with the output its evidence
    ///         proved; under (b)/(c) any pending checkpoint with the council's choice (it still
    ///         needs a proof to become proven).
    function councilReplacePost(uint256 n, bytes32[13] calldata post) external onlyCouncil {
        if (!hasBroadPowers()) {
            _requireDisputed(n);
            bytes32 proven = disputes[rollup.proposalIdOf(n)].provenPostHash;
            if (Statement.postHash(post) != proven) revert NotProvenOutput(n, proven);
        }
        rollup.overrideReplacePost(n, post);
        emit CouncilOverride(this.councilReplacePost.selector, n);
    }

    /// @notice End the evidence triggers early once the council is done: (b) and every open
    ///         dispute. Cannot end (c): only a proof does.
    function closeTrigger() external onlyCouncil {
        unsoundUntil = block.timestamp;
        triggeredUntil = block.timestamp;
        epoch += 1;
        emit TriggerClosed(msg.sender);
    }

    function _requireDisputed(uint256 n) private view {
        if (!rollup.isPending(n)) revert NotPending(n);
        if (isDisputed(n)) return;
        if (isTriggered()) revert NotDisputed(n);
        revert NotTriggered();
    }

    // ------------------------------------------------------------------ upgrades

    /// @notice Swap the rollup's verifier: from the timelock (after its 30 days) at any time, or
    ///         from the council without delay while (b) or (c) holds (never on (a) alone).
    function upgradeVerifier(IVerifier next) external {
        if (msg.sender != timelock) {
            if (msg.sender != council || !hasBroadPowers()) revert NotUpgrader(msg.sender);
            emit FastUpgrade(this.upgradeVerifier.selector, address(next));
        }
        rollup.setVerifier(next);
    }

    /// @notice Swap the rollup's attester committee: only from the timelock.
    function upgradeCommittee(AttesterCommittee next) external {
        if (msg.sender != timelock) revert NotUpgrader(msg.sender);
        rollup.setCommittee(next);
    }
}
