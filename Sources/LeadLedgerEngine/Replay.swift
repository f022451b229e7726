import Foundation
import Kafka
import LeadLedgerDecisions
import Logging

/// Header names the engine relies on in outputs.
package enum OutputHeaders {
    /// The deterministic decision id of a routing or audit record (`LeadLedgerDecisions.DecisionID`, `dc_…`):
    /// of the event for an audit record (one per applied log event), of the route change for a routing record.
    /// `audit verify` matches re-derived records to the audit topic by it.
    package static let decisionID = "decision_id"
}

/// The outcome of a replay.
package struct ReplayResult: Sendable {
    /// The offset of the snapshot the replay started from (nil: from offset 0).
    package var restoredFrom: Int64?
    /// Records applied without emitting to reach the start offset.
    package var warmup: Int
    /// Records re-derived in the requested range.
    package var derived: Int
    /// The offset after the last applied record.
    package var end: Int64
    /// The state after the last applied record (nil: the processor has no state encoding).
    package var state: [UInt8]?
}

/// Rebuilds a partition's state from the nearest snapshot (or offset 0) and
/// re-derives the outputs of a range of the log: the engine side of
/// `leadledger replay` and `leadledger audit verify`.
package struct Replayer<Factory: PartitionProcessorFactory>: Sendable {
    /// Reads the log.
    package var reader: LogReader
    /// Snapshots to start from (nil: always from offset 0).
    package var store: SnapshotStore?
    /// The processor factory.
    package var factory: Factory
    /// A logger.
    package var logger: Logger

    /// Creates a replayer.
    package init(reader: LogReader, store: SnapshotStore?, factory: Factory, logger: Logger) {
        self.reader = reader
        self.store = store
        self.factory = factory
        self.logger = logger
    }

    /// Restores the state before `from` and applies `from..<to` (to the end when
    /// nil), handing each record's outputs to `body` in log order.
    package func replay(
        topic: String,
        partition: Int32,
        from: Int64,
        to: Int64?,
        progress: ProgressReporter? = nil,
        body: @Sendable (LogRecord, [OutputRecord]) async throws -> Void
    ) async throws -> ReplayResult {
        try await factory.willRestore()
        var processor = factory.makeProcessor(partition: partition)
        var start: Int64 = 0
        var restoredFrom: Int64?
        if from > 0, let store {
            let logger = self.logger
            let candidates = try store.candidates(
                topic: topic, partition: partition, atOrBelow: from, format: Factory.Processor.snapshotFormat
            ) { offset, reason in
                logger.warning("ignoring snapshot of \(topic)[\(partition)] at \(offset): \(reason)")
            }
            for candidate in candidates {
                if let restored = try? factory.restoreProcessor(partition: partition, snapshot: candidate.state) {
                    processor = restored
                    start = candidate.offset
                    restoredFrom = candidate.offset
                    break
                }
                logger.warning("ignoring snapshot of \(topic)[\(partition)] at \(candidate.offset): cannot decode")
            }
        }
        var warm = (processor: processor, count: 0)
        if start < from {
            try await reader.fold(topic: topic, partition: partition, from: start, to: from, into: &warm) { state, record in
                _ = state.processor.apply(record)
                state.count += 1
            }
        }
        processor = warm.processor
        var derived = 0
        var localProcessor = processor
        let end = try await reader.read(topic: topic, partition: partition, from: from, to: to) { records in
            for record in records {
                let outputs = localProcessor.apply(record)
                try await body(record, outputs)
            }
            derived += records.count
            progress?.advance(by: records.count)
        }
        return ReplayResult(
            restoredFrom: restoredFrom, warmup: warm.count, derived: derived, end: max(end, from), state: localProcessor.snapshot())
    }
}

/// One difference between re-derived records and the audit topic.
package struct AuditDifference: Sendable, Hashable, CustomStringConvertible {
    /// What differs.
    package enum Kind: String, Sendable, Hashable {
        /// No record carries the re-derived decision id (for the audit topic: the
        /// applied log event has no audit record).
        case missing
        /// An audit record with the decision id has other bytes.
        case differs
        /// No record carries the re-derived decision id, and the topic no longer
        /// holds the part it would be in: retention or a deletion removed the
        /// beginning of the partition it was written to (``RetainedRange``). Not a
        /// disagreement: the record cannot be compared any more.
        case expired
        /// A record in the verified range of the log that the re-derivation does
        /// not produce (a decision the current state and rules would not make,
        /// or a second audit record for one log event).
        case unexpected

        /// Whether the difference fails verification: every kind but `.expired`,
        /// which says a record can no longer be compared, not that it disagrees.
        package var failsVerification: Bool { self != .expired }
    }

    /// The kind.
    package var kind: Kind
    /// The decision id.
    package var decisionID: String
    /// The log position the decision was derived from.
    package var logPartition: Int32
    /// The log offset.
    package var logOffset: Int64
    /// Where the audit record is (for `.differs` and `.unexpected`; for `.expired`
    /// the partition it was written to, when the partitioner tells it).
    package var auditPosition: String?
    /// The re-derived bytes (empty for `.unexpected`).
    package var expected: [UInt8]
    /// The audit topic's bytes (for `.differs`).
    package var actual: [UInt8]?

    package var description: String {
        switch kind {
        case .missing:
            return
                "MISSING \(decisionID) (log \(logPartition)@\(logOffset)): no audit record; expected \(String(decoding: expected, as: UTF8.self))"
        case .expired:
            return
                "EXPIRED \(decisionID) (log \(logPartition)@\(logOffset)): no record; \(auditPosition ?? "the topic") no longer holds the part it would be in"
        case .unexpected:
            return
                "UNEXPECTED \(decisionID) (log \(logPartition)@\(logOffset), audit \(auditPosition ?? "?")): not re-derived; actual \(actual.map { String(decoding: $0, as: UTF8.self) } ?? "")"
        case .differs:
            let actualText = actual.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let expectedText = String(decoding: expected, as: UTF8.self)
            let common = zip(expectedText, actualText).prefix { $0 == $1 }.count
            return """
                DIFFERS \(decisionID) (log \(logPartition)@\(logOffset), audit \(auditPosition ?? "?")) at character \(common):
                  expected: \(expectedText)
                  actual:   \(actualText)
                """
        }
    }
}

/// Compares re-derived records with an output topic, byte for byte, by
/// decision id: for `leadledger.audit` one record per applied log event (its
/// id a function of the log position), for `leadledger.routing` one per route
/// change. Repeats of a record (after a crash) must be byte-identical. A record
/// of a subject erased since it was written is compared without its personal
/// fields (`ErasedRecordComparison`).
package struct AuditVerifier: Sendable {
    /// Reads the audit topic.
    package var reader: LogReader

    /// Creates a verifier.
    package init(reader: LogReader) { self.reader = reader }

    /// Expected records, by decision id.
    package struct Expected: Sendable {
        var records: [String: (partition: Int32, offset: Int64, key: [UInt8]?, bytes: [UInt8])] = [:]
        var order: [String] = []

        /// Nothing expected yet.
        package init() {}

        /// Adds the re-derived audit outputs of one log record.
        package mutating func add(_ record: LogRecord, outputs: [OutputRecord], auditTopic: String) {
            for output in outputs where output.topic == auditTopic {
                guard let id = output.headers.first(where: { $0.key == OutputHeaders.decisionID })?.value else { continue }
                let key = String(decoding: id, as: UTF8.self)
                if records[key] == nil { order.append(key) }
                records[key] = (record.partition, record.offset, output.key, output.value)
            }
        }

        /// Adds the records of another collection (e.g. another log partition).
        package mutating func merge(_ other: Expected) {
            for key in other.order {
                guard let entry = other.records[key] else { continue }
                if records[key] == nil { order.append(key) }
                records[key] = entry
            }
        }

        /// How many decisions are expected.
        package var count: Int { records.count }
    }

    /// What one partition of the compared topic holds: the records with an expected
    /// decision id, the unexpected ones, and where it starts.
    struct PartitionScan: Sendable {
        var found: [String: [(position: String, bytes: [UInt8])]] = [:]
        var unexpected: [AuditDifference] = []
        var start: Int64 = 0
        /// Per log partition, the smallest log offset held (only for a partition that lost its beginning).
        var earliestHeld: [Int32: Int64] = [:]
    }

    /// Scans every partition of `auditTopic` to its end (`jobs` partitions at once)
    /// and reports, in the order the decisions were derived, each expected decision
    /// that is missing (or expired: in a part of the topic that retention or a
    /// deletion removed) or any audit record with its id whose bytes differ; then
    /// every record whose decision id was not re-derived although its lineage
    /// (`lineage.log`) lies in `scope` (the log ranges that were re-derived, by log
    /// partition; empty: no such check). `partitioner` is the one the records were
    /// produced with, so an expected record's partition is known (nil: not
    /// key-determined).
    package func verify(
        _ expected: Expected, auditTopic: String, partitions: [Int32], scope: [Int32: Range<Int64>] = [:],
        partitioner: KafkaPartitioner? = .librdkafkaDefault, jobs: Int = 1
    ) async throws -> [AuditDifference] {
        let scans = try await partitions.concurrentMap(jobs: jobs) { partition in
            try await scan(auditTopic, partition: partition, expected: expected, scope: scope)
        }
        var found: [String: [(position: String, bytes: [UInt8])]] = [:]
        var unexpected: [AuditDifference] = []
        var retained = RetainedRange(partitioner: partitioner, partitionCount: Int32(partitions.count))
        for (partition, scan) in zip(partitions, scans) {
            for (key, values) in scan.found { found[key, default: []] += values }
            unexpected += scan.unexpected
            retained.partition(partition, startsAt: scan.start)
            for (logPartition, offset) in scan.earliestHeld {
                retained.held(in: partition, logPartition: logPartition, logOffset: offset)
            }
        }
        var differences: [AuditDifference] = []
        for id in expected.order {
            guard let entry = expected.records[id] else { continue }
            guard let actuals = found[id], !actuals.isEmpty else {
                let expired = retained.isExpired(key: entry.key, logPartition: entry.partition, logOffset: entry.offset)
                let partition = entry.key.flatMap { partitioner?.partition(of: $0, count: Int32(partitions.count)) }
                differences.append(
                    AuditDifference(
                        kind: expired ? .expired : .missing, decisionID: id, logPartition: entry.partition, logOffset: entry.offset,
                        auditPosition: expired ? partition.map { "\(auditTopic)[\($0)]" } : nil, expected: entry.bytes, actual: nil))
                continue
            }
            for actual in actuals
            where actual.bytes != entry.bytes
                && !ErasedRecordComparison.equalIgnoringErasedFields(expected: entry.bytes, actual: actual.bytes)
            {
                differences.append(
                    AuditDifference(
                        kind: .differs, decisionID: id, logPartition: entry.partition, logOffset: entry.offset,
                        auditPosition: actual.position, expected: entry.bytes, actual: actual.bytes))
            }
        }
        return differences + unexpected
    }

    /// Reads one partition of the compared topic to its end.
    func scan(_ auditTopic: String, partition: Int32, expected: Expected, scope: [Int32: Range<Int64>]) async throws -> PartitionScan {
        var scan = PartitionScan()
        scan.start = try await reader.earliestOffset(topic: auditTopic, partition: partition)
        let truncated = scan.start > 0
        let wanted = expected.records
        try await reader.read(topic: auditTopic, partition: partition, from: 0, to: nil) { records in
            for record in records {
                guard let id = record.headers.first(where: { $0.key == OutputHeaders.decisionID })?.value else { continue }
                let key = String(decoding: id, as: UTF8.self)
                let position = "\(auditTopic)[\(partition)]@\(record.offset)"
                let entry = wanted[key]
                if truncated, let log = entry.map({ (partition: $0.partition, offset: $0.offset) }) ?? Self.logPosition(record.value) {
                    scan.earliestHeld[log.partition] = min(scan.earliestHeld[log.partition] ?? .max, log.offset)
                }
                guard entry != nil else {
                    if !scope.isEmpty, let log = Self.logPosition(record.value), scope[log.partition]?.contains(log.offset) == true {
                        scan.unexpected.append(
                            AuditDifference(
                                kind: .unexpected, decisionID: key, logPartition: log.partition, logOffset: log.offset,
                                auditPosition: position, expected: [], actual: record.value))
                    }
                    continue
                }
                scan.found[key, default: []].append((position, record.value))
            }
        }
        return scan
    }

    /// The log position a record names in its `lineage.log` (routing and audit records).
    static func logPosition(_ bytes: [UInt8]) -> (partition: Int32, offset: Int64)? {
        try? RecordLineage.logPosition(recordBytes: bytes)
    }
}
