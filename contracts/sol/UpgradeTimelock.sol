// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title UpgradeTimelock
/// @notice The normal upgrade path: the security council schedules a call, anyone may execute
///         it once UPGRADE_DELAY (30 days) has passed, the council may cancel it before.
/// @dev Why 30 days: Stage 2 requires upgrades outside a proven bug to wait at least 30 days, so
///      that users who dislike a queued upgrade can exit first. `Scheduled` carries the full call
///      so anyone watching sees exactly what will happen and when (`readyAt`). The delay is a
///      constant, so it cannot be shortened by an upgrade through this very timelock.
///      Execution is permissionless so a scheduled fix cannot be held back by the council
///      withholding the final transaction (cancelling is explicit and visible instead).
contract UpgradeTimelock {
    uint256 public constant UPGRADE_DELAY = 30 days;
    /// @dev readyAt value marking an executed operation.
    uint256 private constant DONE = 1;

    /// @notice The only account allowed to schedule and cancel: the security council.
    address public immutable proposer;

    /// @notice 0: unknown; DONE: executed; otherwise the timestamp from which it may execute.
    mapping(bytes32 => uint256) public readyAt;

    event Scheduled(bytes32 indexed id, address indexed target, bytes data, bytes32 salt, uint256 readyAt);
    event Cancelled(bytes32 indexed id);
    event Executed(bytes32 indexed id, address indexed target, bytes data);

    error NotProposer(address caller);
    error AlreadyScheduled(bytes32 id);
    error NotScheduled(bytes32 id);
    error TooEarly(bytes32 id, uint256 readyAt, uint256 now_);

    constructor(address proposer_) {
        proposer = proposer_;
    }

    function operationId(address target, bytes calldata data, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(target, data, salt));
    }

    function schedule(address target, bytes calldata data, bytes32 salt) external returns (bytes32 id) {
        if (msg.sender != proposer) revert NotProposer(msg.sender);
        id = operationId(target, data, salt);
        if (readyAt[id] != 0) revert AlreadyScheduled(id);
        uint256 when = block.timestamp + UPGRADE_DELAY;
        readyAt[id] = when;
        emit Scheduled(id, target, data, salt, when);
    }

    function cancel(bytes32 id) external {
        if (msg.sender != proposer) revert NotProposer(msg.sender);
        if (readyAt[id] <= DONE) revert NotScheduled(id);
        delete readyAt[id];
        emit Cancelled(id);
    }

    /// @notice Execute a scheduled call at or after `readyAt` (block.timestamp >= readyAt).
    function execute(address target, bytes calldata data, bytes32 salt) external {
        bytes32 id = operationId(target, data, salt);
        uint256 when = readyAt[id];
        if (when <= DONE) revert NotScheduled(id);
        if (block.timestamp < when) revert TooEarly(id, when, block.timestamp);
        readyAt[id] = DONE;
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        emit Executed(id, target, data);
    }
}
