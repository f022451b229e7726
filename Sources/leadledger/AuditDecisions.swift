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
