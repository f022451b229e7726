import Foundation
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// The decisions of audit records as analytics values: what `kpis`, `drift` and
/// `backtest` read from `leadledger.audit` (or from re-derived audit records).
struct AuditDecisions: Sendable {
    /// Every lead decision (primary and further), one per audit record and lead.
    var decisions: [DecisionObservation] = []
    /// The primary decisions' scores and features (only when collected).
    var samples: [DriftSample] = []
    /// Audit records read (repeats after a crash counted once).
    var records = 0
    /// Records that did not decode as audit records (or had no valid event time).
    var undecodable = 0
    /// Per log partition, the offset after the last log event an audit record names.
    var logEnds: [Int32: Int64] = [:]
    /// Log positions already seen: a repeated record (same decision id, same bytes) counts once.
    private var seen: Set<LogPosition> = []
    private let collectSamples: Bool
    /// Names the features of schema_version 3 records (drift samples are keyed by name).
    private let featureSets: FeatureSets

    /// A canonical-log position.
    struct LogPosition: Hashable, Sendable {
        var partition: Int32
        var offset: Int64
    }

    init(collectSamples: Bool, featureSets: FeatureSets = .none) {
        self.collectSamples = collectSamples
        self.featureSets = featureSets
    }

    /// Adds the records of another partition's reading.
    mutating func merge(_ other: AuditDecisions) {
        decisions += other.decisions
        samples += other.samples
        records += other.records
        undecodable += other.undecodable
        logEnds.merge(other.logEnds) { max($0, $1) }
    }

    /// Orders the decisions by log position (and the samples by event time), so the
    /// result does not depend on which partition's reading finished first.
    mutating func sort() {
        decisions.sort { ($0.logPartition, $0.logOffset) < ($1.logPartition, $1.logOffset) }
        samples.sort { $0.time < $1.time }
    }

    /// Adds one audit record's bytes; `keep` selects records by their log position and event time.
    mutating func add(_ bytes: [UInt8], keep: (LogPosition, EventTime) -> Bool = { _, _ in true }) {
        guard let record = try? AuditRecordView(bytes, featureSets: featureSets), let time = EventTime.parseRFC3339(record.eventTime) else {
            undecodable += 1
            return
        }
        add(record, time: time, keep: keep)
    }

    /// Adds one decoded audit record.
    mutating func add(_ record: AuditRecordView, time: EventTime, keep: (LogPosition, EventTime) -> Bool = { _, _ in true }) {
        let position = LogPosition(partition: record.lineage.logPartition, offset: record.lineage.logOffset)
        logEnds[position.partition] = max(logEnds[position.partition] ?? 0, position.offset + 1)
        guard keep(position, time), seen.insert(position).inserted else { return }
        records += 1
        decisions += DecisionObservation.observations(in: record, time: time)
        if collectSamples, let primary = record.decision {
            samples.append(DriftSample(modelVersion: record.modelVersion, time: time, score: primary.score, features: record.features))
        }
    }
}

extension LogReader {
    /// Every audit record of `topic` (all `partitions`, from offset 0 to the end) as
    /// analytics values. The partitions are read concurrently (the reads wait on
    /// fetches more than they compute); each log position's records live in one
    /// audit partition, so the merge needs no further de-duplication.
    func auditDecisions(
        topic: String, partitions: [Int32], collectSamples: Bool, featureSets: FeatureSets = .none, progress: ProgressReporter? = nil,
        keep: @escaping @Sendable (AuditDecisions.LogPosition, EventTime) -> Bool = { _, _ in true }
    ) async throws -> AuditDecisions {
        try await withThrowingTaskGroup(of: AuditDecisions.self) { group in
            for partition in partitions {
                group.addTask {
                    var state = AuditDecisions(collectSamples: collectSamples, featureSets: featureSets)
                    try await fold(topic: topic, partition: partition, from: 0, to: nil, into: &state) { state, record in
                        state.add(record.value, keep: keep)
                        progress?.advance(by: 1)
                    }
                    return state
                }
            }
            var all = AuditDecisions(collectSamples: collectSamples)
            for try await part in group { all.merge(part) }
            all.sort()
            return all
        }
    }

    /// The outcome ledger of the canonical log `topic` (all `partitions`, from offset 0
    /// to the end); records that do not decode as canonical events are counted.
    func outcomeLedger(topic: String, partitions: [Int32], progress: ProgressReporter? = nil) async throws -> (
        ledger: OutcomeLedger, undecodable: Int
    ) {
        var state = (ledger: OutcomeLedger(), undecodable: 0)
        for partition in partitions {
            try await fold(topic: topic, partition: partition, from: 0, to: nil, into: &state) { state, record in
                progress?.advance(by: 1)
                do {
                    guard let event = try record.canonicalEvent() else { return }
                    state.ledger.apply(event)
                } catch {
                    state.undecodable += 1
                }
            }
        }
        return state
    }
}

/// Formatting of report figures.
enum Figure {
    /// A number with `digits` decimals, or `-` when undefined.
    static func text(_ value: Double?, _ digits: Int = 3) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.\(digits)f", value)
    }

    /// A share as a percentage with one decimal, or `-`.
    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.1f%%", value * 100)
    }

    /// A duration in seconds as `1d 2h`, `3h 4m`, `5m 6s` or `7s`, or `-`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        let s = Int(seconds.rounded())
        if s >= 86_400 { return "\(s / 86_400)d \(s % 86_400 / 3_600)h" }
        if s >= 3_600 { return "\(s / 3_600)h \(s % 3_600 / 60)m" }
        if s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return "\(s)s"
    }

    /// Rows padded into columns (two spaces apart), one line each.
    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
