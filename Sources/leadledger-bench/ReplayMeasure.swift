import Foundation
import LeadLedgerCore

/// One timed command of ``ReplayBenchmark`` and what it counted.
struct ReplayMeasure {
    enum Kind {
        /// `consume --exit-at-end`: counts the log records it printed.
        case rawRead
        /// `replay`: counts the log events of the raw read of the same scope.
        case replay
        /// `audit verify --format json`: counts the audit and routing records it re-derived.
        case verify
    }

    var kind: Kind
    var timed: TimedCommand
    /// Records read (raw read) or re-derived (verify); for a replay, the lines it printed.
    var count: Int

    init(kind: Kind, timed: TimedCommand) {
        self.kind = kind
        self.timed = timed
        switch kind {
        case .rawRead, .replay:
            count = timed.stdout.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        case .verify:
            // A failed verify printed no report: it counts nothing (the benchmark reports the failure).
            let report = try? Fields(JSONParser.parse(timed.stdout), path: "audit verify")
            let audit = (try? report?.nonNegativeInteger("audit_records")) ?? nil
            let routing = (try? report?.nonNegativeInteger("routing_records")) ?? nil
            count = (audit ?? 0) + (routing ?? 0)
        }
    }

    /// What the rates count: log events, or re-derived records.
    var unit: String { kind == .verify ? "records" : "events" }
}
