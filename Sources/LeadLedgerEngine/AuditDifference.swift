import Foundation
import Kafka
import LeadLedgerDecisions
import Logging

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
