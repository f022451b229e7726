import Foundation
import GRDB
import LeadLedgerCore

/// Per-partition snapshots in an embedded SQLite database (`snapshots.sqlite` in
/// the state directory), through GRDB.
///
/// Table `snapshot(topic, partition, log_offset, format, checksum, state)`:
/// `log_offset` is the next offset to apply, `format` the processor's state
/// format version, `checksum` a `StableHash` of `state`. `newest(...)` skips rows
/// whose checksum or format does not match, so a damaged or outdated snapshot
/// never yields wrong state: the caller falls back to an older one or to a full
/// replay. The newest `keep` snapshots per partition are kept.
package final class SnapshotStore: Sendable {
    private let queue: DatabaseQueue
    /// Snapshots kept per partition.
    package let keep: Int

    /// Opens (or creates) the store in `directory`.
    package init(directory: String, keep: Int = 3) throws(EngineError) {
        self.keep = max(1, keep)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            // Deleted snapshots are overwritten, not left in free pages: after an
            // erasure the identity snapshots are purged (`purge(topic:)`), and the bytes must be gone.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
            let queue = try DatabaseQueue(
                path: (directory as NSString).appendingPathComponent("snapshots.sqlite"), configuration: configuration)
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS snapshot (
                            topic TEXT NOT NULL,
                            partition INTEGER NOT NULL,
                            log_offset INTEGER NOT NULL,
                            format TEXT NOT NULL,
                            checksum TEXT NOT NULL,
                            state BLOB NOT NULL,
                            PRIMARY KEY (topic, partition, log_offset)
                        )
                        """)
            }
            self.queue = queue
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            throw EngineError(.snapshotUnreadable, context: directory, "the snapshot database is damaged: \(error)")
        } catch {
            throw EngineError(.snapshotStore, context: directory, "cannot open the snapshot store: \(error)")
        }
    }

    /// Opens the store in `directory`; when its database is damaged (SQLite reports
    /// it corrupt or not a database), moves the file aside
    /// (`snapshots.sqlite.damaged-<seconds since 1970>`, kept for inspection),
    /// reports it through `warn` and starts an empty store. Any other failure (a
    /// lock held by another process, permissions, a full disk) leaves the file
    /// alone. Snapshots only save replay time: without them every partition is
    /// fully replayed from the log. Returns nil, after a warning, when no store
    /// can be used (the engine then always replays).
    package static func openRecovering(directory: String, keep: Int = 3, warn: (String) -> Void) -> SnapshotStore? {
        do {
            return try SnapshotStore(directory: directory, keep: keep)
        } catch let error where error.code != .snapshotUnreadable {
            warn(
                "SNAPSHOT STORE UNAVAILABLE: \(error). Running without snapshots: every stateful partition is replayed in full from the log"
            )
            return nil
        } catch {
            let path = (directory as NSString).appendingPathComponent("snapshots.sqlite")
            let aside = "\(path).damaged-\(Int(Date().timeIntervalSince1970))"
            do {
                try FileManager.default.moveItem(atPath: path, toPath: aside)
                for suffix in ["-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
                    try FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
                }
                warn(
                    "SNAPSHOT STORE UNREADABLE: \(error). Moved it to \(aside) and started an empty store: every stateful partition is replayed in full from the log"
                )
                return try SnapshotStore(directory: directory, keep: keep)
            } catch let second {
                warn(
                    "SNAPSHOT STORE UNREADABLE: \(error); cannot start an empty one (\(second)). Running without snapshots: every stateful partition is replayed in full from the log"
                )
                return nil
            }
        }
    }

    /// Deletes every snapshot of `topic`'s partitions, overwriting their bytes
    /// (`secure_delete`). Called for the identity step's topic when it erases a
    /// subject: its older snapshots hold the subject's identifiers; those
    /// written afterwards do not. Its partition then restores by a replay until
    /// the next snapshot.
    package func purge(topic: String) throws(EngineError) {
        do {
            try queue.write { db in try db.execute(sql: "DELETE FROM snapshot WHERE topic = ?", arguments: [topic]) }
        } catch {
            throw EngineError(.snapshotStore, context: topic, "cannot delete the snapshots: \(error)")
        }
    }

    /// Saves a snapshot (replacing one at the same offset) and prunes old ones.
    package func save(_ snapshot: Snapshot) throws(EngineError) {
        do {
            try queue.write { db in
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO snapshot (topic, partition, log_offset, format, checksum, state) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        snapshot.topic, Int64(snapshot.partition), snapshot.offset, snapshot.format,
                        StableHash.of(snapshot.state).hexChecksum, Data(snapshot.state),
                    ]
                )
                try db.execute(
                    sql: """
                        DELETE FROM snapshot WHERE topic = ? AND partition = ? AND log_offset NOT IN (
                            SELECT log_offset FROM snapshot WHERE topic = ? AND partition = ? ORDER BY log_offset DESC LIMIT ?)
                        """,
                    arguments: [snapshot.topic, Int64(snapshot.partition), snapshot.topic, Int64(snapshot.partition), keep]
                )
            }
        } catch {
            throw EngineError(
                .snapshotStore, context: "\(snapshot.topic)[\(snapshot.partition)]",
                "cannot save the snapshot at \(snapshot.offset): \(error)")
        }
    }

    /// Offsets of the stored snapshots of a partition, newest first (whatever their validity).
    package func offsets(topic: String, partition: Int32) throws(EngineError) -> [Int64] {
        do {
            return try queue.read { db in
                try Int64.fetchAll(
                    db, sql: "SELECT log_offset FROM snapshot WHERE topic = ? AND partition = ? ORDER BY log_offset DESC",
                    arguments: [topic, Int64(partition)])
            }
        } catch {
            throw EngineError(.snapshotStore, context: "\(topic)[\(partition)]", "cannot list snapshots: \(error)")
        }
    }

    /// Candidate snapshots at or below `offset`, newest first, with those that fail
    /// the checksum or have a format not in `formats` skipped (and reported through `skipped`).
    package func candidates(
        topic: String, partition: Int32, atOrBelow offset: Int64, formats: [String], skipped: (Int64, String) -> Void = { _, _ in }
    ) throws(EngineError) -> [Snapshot] {
        let rows: [Row]
        do {
            rows = try queue.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT log_offset, format, checksum, state FROM snapshot WHERE topic = ? AND partition = ? AND log_offset <= ? ORDER BY log_offset DESC",
                    arguments: [topic, Int64(partition), offset]
                )
            }
        } catch {
            throw EngineError(.snapshotStore, context: "\(topic)[\(partition)]", "cannot read snapshots: \(error)")
        }
        var result: [Snapshot] = []
        for row in rows {
            let logOffset: Int64 = row["log_offset"]
            let rowFormat: String = row["format"]
            let checksum: String = row["checksum"]
            let data: Data? = row["state"]
            guard formats.contains(rowFormat) else {
                skipped(logOffset, "format \(rowFormat), expected \(formats.joined(separator: " or "))")
                continue
            }
            guard let data else {
                skipped(logOffset, "no state")
                continue
            }
            let state = [UInt8](data)
            guard StableHash.of(state).hexChecksum == checksum else {
                skipped(logOffset, "checksum mismatch")
                continue
            }
            result.append(Snapshot(topic: topic, partition: partition, offset: logOffset, format: rowFormat, state: state))
        }
        return result
    }

    /// Overwrites the stored state bytes of a snapshot without updating its checksum
    /// (for tests and drills that prove a damaged snapshot falls back to replay).
    package func corrupt(topic: String, partition: Int32, offset: Int64, state: [UInt8]) throws(EngineError) {
        do {
            try queue.write { db in
                try db.execute(
                    sql: "UPDATE snapshot SET state = ? WHERE topic = ? AND partition = ? AND log_offset = ?",
                    arguments: [Data(state), topic, Int64(partition), offset])
            }
        } catch {
            throw EngineError(.snapshotStore, context: "\(topic)[\(partition)]", "cannot update the snapshot: \(error)")
        }
    }
}

extension UInt64 {
    fileprivate var hexChecksum: String {
        let digits = String(self, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
