import Foundation
import LeadLedgerCore
import Logging

/// Ties a state directory to the canonical log its snapshots were derived from
/// (``LogIdentity``, kept in `log-identity.json` beside `snapshots.sqlite`).
///
/// Snapshots are a pure function of a log prefix (SPEC §8); restored on another
/// log (a topic recreated after a broker restart, another cluster, another
/// configuration's topic) they would silently give wrong state. `run` therefore
/// compares the directory's recorded identity with the log before it opens the
/// snapshot store, and discards the snapshots of another log (every stateful
/// partition is then replayed from the log). `replay` and `audit verify` ignore
/// such a store instead of deleting it.
package struct StateDirectoryBinding: Sendable {
    /// The state directory.
    package var directory: String
    /// The canonical log's topic.
    package var topic: String
    /// Its partitions.
    package var partitions: [Int32]
    /// Reads the first records.
    package var reader: LogReader

    /// The file holding the identity.
    package static let fileName = "log-identity.json"
    /// The snapshot database and its companion files, discarded together.
    static let snapshotFiles = ["snapshots.sqlite", "snapshots.sqlite-wal", "snapshots.sqlite-shm", "snapshots.sqlite-journal"]

    /// Creates the binding of `directory` to the log `topic`.
    package init(directory: String, topic: String, partitions: [Int32], reader: LogReader) {
        self.directory = directory
        self.topic = topic
        self.partitions = partitions
        self.reader = reader
    }

    var identityPath: String { (directory as NSString).appendingPathComponent(Self.fileName) }

    /// Whether the directory holds a snapshot database.
    var hasSnapshots: Bool {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("snapshots.sqlite"))
    }

    /// The identity the directory records; nil when it records none or an unreadable one.
    func stored() -> LogIdentity? {
        guard let data = FileManager.default.contents(atPath: identityPath) else { return nil }
        return try? LogIdentity(bytes: [UInt8](data))
    }

    /// The log's current identity and the partitions that hold no record (the
    /// partitions are read side by side).
    func current() async throws -> (identity: LogIdentity, empty: Set<Int32>) {
        let reader = self.reader
        let topic = self.topic
        var identity = LogIdentity(topic: topic)
        var empty: Set<Int32> = []
        try await withThrowingTaskGroup(of: (Int32, LogRecord?).self) { group in
            for partition in partitions {
                group.addTask {
                    var first: LogRecord?
                    try await reader.fold(topic: topic, partition: partition, from: 0, to: 1, into: &first) { state, record in
                        if state == nil { state = record }
                    }
                    return (partition, first)
                }
            }
            for try await (partition, first) in group {
                if let first, first.offset == 0 {
                    identity.firstRecords[partition] = LogIdentity.fingerprint(first)
                } else if first == nil {
                    empty.insert(partition)
                }
            }
        }
        return (identity, empty)
    }

    /// The verdict on the directory: compares its recorded identity with the log's.
    package func judge() async throws -> LogIdentity.Verdict {
        let (identity, empty) = try await current()
        switch identity.judge(stored: stored(), hasSnapshots: hasSnapshots, empty: empty) {
        case .fresh: return .same(bound: identity)
        case let verdict: return verdict
        }
    }

    /// For `run`, before the snapshot store is opened: keeps the snapshots of this
    /// log (recording the first records of partitions that have gained one), or
    /// discards those of another log with a message through `warn`, then records
    /// the log's identity.
    /// - Returns: whether snapshots were discarded.
    @discardableResult
    package func enforce(warn: (String) -> Void) async throws -> Bool {
        let (identity, empty) = try await current()
        switch identity.judge(stored: stored(), hasSnapshots: hasSnapshots, empty: empty) {
        case .fresh:
            try record(identity)
            return false
        case .same(let bound):
            try record(bound)
            return false
        case .foreign(let reason):
            let removed = try discardSnapshots()
            warn(
                "STATE DIRECTORY FROM ANOTHER LOG: \(directory): \(reason). Discarded its snapshots (\(removed.joined(separator: ", "))): every stateful partition is replayed from the log"
            )
            try record(identity)
            return true
        }
    }

    /// Records the first records of partitions that have gained one since the
    /// identity was recorded (`run` calls it while it runs and when it stops, so
    /// a log that was empty at start gets bound). Leaves a foreign binding alone.
    package func bindNewPartitions() async throws {
        let (identity, empty) = try await current()
        if Task.isCancelled { return }
        guard let stored = stored() else {
            try record(identity)
            return
        }
        // The snapshots are this process's own (it runs on this log): only a changed
        // log keeps it from adding the partitions that gained a first record.
        if case .same(let bound) = identity.judge(stored: stored, hasSnapshots: false, empty: empty), bound != stored {
            try record(bound)
        }
    }

    /// Whether every partition has a recorded first record.
    package var isFullyBound: Bool {
        guard let stored = stored() else { return false }
        return partitions.allSatisfy { stored.firstRecords[$0] != nil }
    }

    func record(_ identity: LogIdentity) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(identity.bytes).write(to: URL(fileURLWithPath: identityPath), options: .atomic)
        } catch {
            throw EngineError(.snapshotStore, context: directory, "cannot record the log identity in \(Self.fileName): \(error)")
        }
    }

    func discardSnapshots() throws -> [String] {
        var removed: [String] = []
        for name in Self.snapshotFiles {
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw EngineError(.snapshotStore, context: directory, "cannot discard \(name): \(error)")
            }
            removed.append(name)
        }
        return removed
    }
}

extension StateDirectoryBinding {
    /// Until cancelled, records the first record of every partition that gains
    /// one (a log that was empty when `run` started), checking at growing
    /// intervals (1 s up to 30 s) until every partition is bound.
    package func bindWhileUnbound(logger: Logger) async {
        var interval = 1
        while !Task.isCancelled, !isFullyBound {
            do {
                try await Task.sleep(for: .seconds(interval))
            } catch {
                return
            }
            if await !bindNewPartitions(within: .seconds(20), logger: logger) {
                logger.debug("the log identity of \(directory) is not recorded yet")
            }
            interval = min(30, interval * 2)
        }
    }

    /// ``bindNewPartitions()`` given at most `limit` (reading the log is cancelled
    /// after it, e.g. when the broker is unreachable). Returns whether it completed.
    package func bindNewPartitions(within limit: Duration, logger: Logger) async -> Bool {
        let binding = self
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await binding.bindNewPartitions()
                    return !Task.isCancelled
                } catch {
                    logger.debug("cannot record the log identity: \(error)")
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
