// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IVerifier} from "./IVerifier.sol";
import {AttesterCommittee} from "./AttesterCommittee.sol";
import {Rollup} from "./Rollup.sol";
import {Statement} from "./Statement.sol";
import {ProofCheck} from "./ProofCheck.sol";

/// @title StageTwoGate
/// @notice Decides, on-chain, when the security council may act on the rollup, and routes
///         every upgrade. The council gains power only after one of three triggers:
///         (a) disagreement: a valid proof whose pre-state and data are a PENDING checkpoint's
///             but whose output differs from that checkpoint's attested post-state;
///         (b) self-contradiction: two valid proofs with the same 123 inputs and different
///             outputs (the proof system is unsound);
///         (c) stuck prover: no proof accepted for at least STUCK_PROVER_PERIOD (7 days),
///             measured from the rollup's last accepted proof (or its deployment).
///         (a) and (b) are evidence: each piece is accepted once and opens a window of
///         TRIGGER_WINDOW (7 days) during which the council may act. (c) is a live condition:
///         it holds exactly while no proof has been accepted for 7 days.
///         While triggered, the council may prune pending checkpoints, replace a pending
///         checkpoint's post-state, and upgrade the verifier or committee with no delay.
///         Otherwise upgrades come only from the UpgradeTimelock (30-day delay).
/// @dev Encoding of the seeds' requirements: "a halt is fixable in 7 days" = trigger (c) is
///      live from day 7 of a halt and the council's fast path has no delay; "unwanted upgrades
///      leave 30 days to exit" = outside a trigger the only upgrade path is the timelock, whose
///      delay is a 30-day constant. Proven checkpoints are never touched: overrides apply to the
///      pending chain only.
contract StageTwoGate {
    using ProofCheck for IVerifier;

    uint256 public constant STUCK_PROVER_PERIOD = 7 days;
    uint256 public constant TRIGGER_WINDOW = 7 days;

    bytes32 private constant DISAGREEMENT = keccak256("difftower.evidence.disagreement");
    bytes32 private constant SELF_CONTRADICTION = keccak256("difftower.evidence.self-contradiction");

    Rollup public immutable rollup;
    address public immutable council;
    address public immutable timelock;

    /// @notice Evidence-based triggers (a)/(b) hold while block.timestamp < triggeredUntil.
    uint256 public triggeredUntil;
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
    error EvidenceAlreadyUsed(bytes32 key);
    error InputsDoNotMatchCheckpoint(uint256 checkpoint);
    error OutputMatchesAttested(uint256 checkpoint);
    error InputsDiffer();
    error OutputsEqual();
    error InvalidProof(uint256 which);

    modifier onlyCouncilWhileTriggered() {
        if (msg.sender != council) revert NotCouncil(msg.sender);
        if (!isTriggered()) revert NotTriggered();
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

    /// @notice Trigger (c): no proof accepted for at least 7 days.
    function isProverStuck() public view returns (bool) {
        return block.timestamp >= uint256(rollup.lastProofAt()) + STUCK_PROVER_PERIOD;
    }

    /// @notice True while any trigger holds: the council may then act without delay.
    function isTriggered() public view returns (bool) {
        return block.timestamp < triggeredUntil || isProverStuck();
    }

    /// @notice When trigger (c) will hold (if no proof is accepted before).
    function stuckFrom() external view returns (uint256) {
        return uint256(rollup.lastProofAt()) + STUCK_PROVER_PERIOD;
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
    ///         rollup's current verifier. Each statement is accepted once.
    function proveDisagreement(uint256 n, bytes calldata proof, bytes32[] calldata publicInputs) external {
        if (!rollup.isPending(n)) revert NotPending(n);
        Statement.requireLength(publicInputs);
        (bool preAndDataMatch, bool postMatches) = rollup.statementRelation(n, publicInputs);
        if (!preAndDataMatch) revert InputsDoNotMatchCheckpoint(n);
        if (postMatches) revert OutputMatchesAttested(n);
        bytes32 statementHash = Statement.hashRange(publicInputs, 0, Statement.TOTAL_LEN);
        bytes32 key = evidenceKeyDisagreement(rollup.proposalIdOf(n), statementHash);
        if (evidenceUsed[key]) revert EvidenceAlreadyUsed(key);
        if (!rollup.verifier().verifies(proof, publicInputs)) revert InvalidProof(0);
        evidenceUsed[key] = true;
        (, bytes32 attestedPostHash,,) = rollup.getCheckpoint(n);
        uint256 until = _openWindow();
        emit DisagreementProven(
            n, statementHash, attestedPostHash, Statement.outputHash(publicInputs), msg.sender, until
        );
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
        uint256 until = _openWindow();
        emit SelfContradictionProven(inputsHash, postA, postB, msg.sender, until);
    }

    // ------------------------------------------------------------------ council (triggered)

    /// @notice Drop pending checkpoints `from`..pendingTip.
    function councilPrune(uint256 from) external onlyCouncilWhileTriggered {
        rollup.overridePrune(from);
        emit CouncilOverride(this.councilPrune.selector, from);
    }

    /// @notice Replace pending checkpoint n's post-state (and drop the checkpoints after it).
    function councilReplacePost(uint256 n, bytes32[13] calldata post) external onlyCouncilWhileTriggered {
        rollup.overrideReplacePost(n, post);
        emit CouncilOverride(this.councilReplacePost.selector, n);
    }

    /// @notice End an evidence trigger early once the council is done (cannot end (c)).
    function closeTrigger() external {
        if (msg.sender != council) revert NotCouncil(msg.sender);
        triggeredUntil = block.timestamp;
        emit TriggerClosed(msg.sender);
    }

    // ------------------------------------------------------------------ upgrades

    /// @notice Swap the rollup's verifier: from the timelock (after its 30 days) at any time, or
    ///         from the council without delay while a trigger holds.
    function upgradeVerifier(IVerifier next) external {
        _checkUpgrader(this.upgradeVerifier.selector, address(next));
        rollup.setVerifier(next);
    }

    /// @notice Swap the rollup's attester committee: same rule as upgradeVerifier.
    function upgradeCommittee(AttesterCommittee next) external {
        _checkUpgrader(this.upgradeCommittee.selector, address(next));
        rollup.setCommittee(next);
    }

    function _checkUpgrader(bytes4 selector, address next) private {
        if (msg.sender == timelock) return;
        if (msg.sender == council && isTriggered()) {
            emit FastUpgrade(selector, next);
            return;
        }
        revert NotUpgrader(msg.sender);
    }

    function _openWindow() private returns (uint256 until) {
        until = block.timestamp + TRIGGER_WINDOW;
        if (until > triggeredUntil) triggeredUntil = until;
    }
}
