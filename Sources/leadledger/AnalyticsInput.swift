import Foundation
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

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
