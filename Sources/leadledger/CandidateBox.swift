import ArgumentParser
import Foundation
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Synchronization

/// Collects the candidate's audit decisions and the outcome ledger from the replay's `@Sendable` callback.
final class CandidateBox: Sendable {
    struct State: Sendable {
        var audit = AuditDecisions(collectSamples: false)
        var ledger = OutcomeLedger()
    }

    private let storage = Mutex(State())

    func add(
        _ record: LogRecord, _ outputs: [OutputRecord], auditTopic: String,
        keep: (AuditDecisions.LogPosition, EventTime) -> Bool
    ) {
        let event = (try? record.canonicalEvent()) ?? nil
        storage.withLock { state in
            if let event { state.ledger.apply(event) }
            for output in outputs where output.topic == auditTopic {
                state.audit.add(output.value, keep: keep)
            }
        }
    }

    func addOutcome(_ record: LogRecord) {
        guard let event = (try? record.canonicalEvent()) ?? nil else { return }
        storage.withLock { $0.ledger.apply(event) }
    }

    var value: State { storage.withLock { $0 } }
}
