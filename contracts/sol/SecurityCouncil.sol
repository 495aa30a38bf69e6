// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title SecurityCouncil
/// @notice An on-chain multisig: members propose a call, approve it, and once approvals reach
///         the threshold a member executes it. It is the only account that may schedule
///         timelocked upgrades and the only one that may use the Stage-2 gate's override powers.
/// @dev Stage 2 (Vitalik's "training wheels" milestones) requires a council of at least 8
///      members with a threshold of at least 75%; both are enforced here at construction and
///      cannot be changed (membership is fixed; a new council means a new deployment wired in
///      by an upgrade of the contracts that reference it, i.e. a new system). The proposer's
///      approval is counted when proposing. A call executes at most once; a failing call reverts
///      the execution (with the callee's revert data) so it can be retried.
///      Approvals are short-lived and withdrawable: a proposal can be executed only until
///      `expiresAt = proposedAt + PROPOSAL_LIFETIME` (3 days), and a member may `revoke` an
///      approval before execution. So an approval given in calm times cannot be cashed in by a
///      single member at some later trigger, and a member who changes their mind can withdraw.
contract SecurityCouncil {
    uint256 public constant MIN_MEMBERS = 8;
    /// @dev threshold / members >= 3 / 4, checked as threshold * 4 >= members * 3.
    uint256 public constant MIN_THRESHOLD_NUM = 3;
    uint256 public constant MIN_THRESHOLD_DEN = 4;
    /// @notice How long a proposal (and so every approval of it) stays executable.
    uint256 public constant PROPOSAL_LIFETIME = 3 days;

    struct Proposal {
        address target;
        bytes data;
        uint256 approvals;
        bool executed;
        uint64 expiresAt;
    }

    address[] private _members;
    mapping(address => bool) public isMember;
    uint256 public immutable threshold;

    Proposal[] private _proposals;
    mapping(uint256 => mapping(address => bool)) public hasApproved;

    event Proposed(uint256 indexed id, address indexed proposer, address indexed target, bytes data);
    event Approved(uint256 indexed id, address indexed member, uint256 approvals);
    event Executed(uint256 indexed id, address indexed executor);
    event Revoked(uint256 indexed id, address indexed member, uint256 approvals);

    error TooFewMembers(uint256 members, uint256 minimum);
    error ThresholdTooLow(uint256 threshold, uint256 members);
    error ThresholdTooHigh(uint256 threshold, uint256 members);
    error InvalidMember(address member);
    error NotMember(address caller);
    error UnknownProposal(uint256 id);
    error AlreadyApproved(uint256 id, address member);
    error AlreadyExecuted(uint256 id);
    error NotEnoughApprovals(uint256 id, uint256 approvals, uint256 threshold);
    error ProposalExpired(uint256 id, uint256 expiresAt);
    error NotApproved(uint256 id, address member);

    modifier onlyMember() {
        if (!isMember[msg.sender]) revert NotMember(msg.sender);
        _;
    }

    constructor(address[] memory members_, uint256 threshold_) {
        if (members_.length < MIN_MEMBERS) revert TooFewMembers(members_.length, MIN_MEMBERS);
        if (threshold_ * MIN_THRESHOLD_DEN < members_.length * MIN_THRESHOLD_NUM) {
            revert ThresholdTooLow(threshold_, members_.length);
        }
        if (threshold_ > members_.length) revert ThresholdTooHigh(threshold_, members_.length);
        for (uint256 i = 0; i < members_.length; i++) {
            address m = members_[i];
            if (m == address(0) || isMember[m]) revert InvalidMember(m);
            isMember[m] = true;
            _members.push(m);
        }
        threshold = threshold_;
    }

    function members() external view returns (address[] memory) {
        return _members;
    }

    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    function getProposal(uint256 id)
        external
        view
        returns (address target, bytes memory data, uint256 approvals, bool executed, uint256 expiresAt)
    {
        if (id >= _proposals.length) revert UnknownProposal(id);
        Proposal storage p = _proposals[id];
        return (p.target, p.data, p.approvals, p.executed, p.expiresAt);
    }

    /// @notice Propose `target.call(data)`; the proposer's approval is counted.
    function propose(address target, bytes calldata data) external onlyMember returns (uint256 id) {
        id = _proposals.length;
        _proposals.push(
            Proposal({
                target: target,
                data: data,
                approvals: 0,
                executed: false,
                expiresAt: uint64(block.timestamp + PROPOSAL_LIFETIME)
            })
        );
        emit Proposed(id, msg.sender, target, data);
        _approve(id);
    }

    function approve(uint256 id) external onlyMember {
        if (id >= _proposals.length) revert UnknownProposal(id);
        _approve(id);
    }

    /// @notice Withdraw the caller's approval of a proposal that has not been executed.
    function revoke(uint256 id) external onlyMember {
        if (id >= _proposals.length) revert UnknownProposal(id);
        Proposal storage p = _proposals[id];
        if (p.executed) revert AlreadyExecuted(id);
        if (!hasApproved[id][msg.sender]) revert NotApproved(id, msg.sender);
        hasApproved[id][msg.sender] = false;
        p.approvals -= 1;
        emit Revoked(id, msg.sender, p.approvals);
    }

    /// @notice Execute an approved, unexpired proposal. Reverts with the callee's revert data if
    ///         the call fails.
    function execute(uint256 id) external onlyMember {
        if (id >= _proposals.length) revert UnknownProposal(id);
        Proposal storage p = _proposals[id];
        if (p.executed) revert AlreadyExecuted(id);
        if (block.timestamp > p.expiresAt) revert ProposalExpired(id, p.expiresAt);
        if (p.approvals < threshold) revert NotEnoughApprovals(id, p.approvals, threshold);
        p.executed = true;
        (bool ok, bytes memory ret) = p.target.call(p.data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        emit Executed(id, msg.sender);
    }

    function _approve(uint256 id) private {
        Proposal storage p = _proposals[id];
        if (p.executed) revert AlreadyExecuted(id);
        if (block.timestamp > p.expiresAt) revert ProposalExpired(id, p.expiresAt);
        if (hasApproved[id][msg.sender]) revert AlreadyApproved(id, msg.sender);
        hasApproved[id][msg.sender] = true;
        p.approvals += 1;
        emit Approved(id, msg.sender, p.approvals);
    }
}
