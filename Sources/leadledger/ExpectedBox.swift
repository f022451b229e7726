import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import Synchronization

/// Collects expected audit records from a `@Sendable` callback.
final class ExpectedBox: Sendable {
    private let storage = Mutex(AuditVerifier.Expected())
    func add(_ record: LogRecord, _ outputs: [OutputRecord], auditTopic: String) {
        storage.withLock { $0.add(record, outputs: outputs, auditTopic: auditTopic) }
    }
    var value: AuditVerifier.Expected { storage.withLock { $0 } }
}
