import Foundation
import Kafka
import LeadLedgerDecisions
import Logging

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
