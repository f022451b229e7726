import Foundation
import LeadLedgerCore

/// The outcome-KPI report: what `leadledger kpis --format json` prints and
/// `GET /v1/kpis` returns, byte for byte the same for the same decisions and
/// outcomes. It is computed by ``OutcomeKPIs`` (and ``Lift`` when grouped by
/// arm) and written by one encoder, ``json()``.
package struct KPIReport: Sendable, Equatable, Encodable {
    /// The grouping when none is asked for: UTC day and model version.
    package static let defaultDimensions: [KPIDimension] = [.day, .model]

    package var since: String?
    package var until: String?
    package var by: [KPIDimension]
    /// Audit records the decisions came from (a repeated record counted once).
    package var auditRecords: Int
    package var groups: [OutcomeKPIs.Figures]
    /// With `by` containing ``KPIDimension/arm``: the treatment arm against the holdout arm.
    package var lift: Lift?

    /// Computes the report of the leads whose first decision lies in `since..<until`.
    /// - Parameter dimensions: the grouping; empty means ``defaultDimensions``.
    package init(
        decisions: [DecisionObservation], ledger: OutcomeLedger, auditRecords: Int, since: EventTime? = nil,
        until: EventTime? = nil, by dimensions: [KPIDimension]
    ) {
        let by = dimensions.isEmpty ? Self.defaultDimensions : Array(Set(dimensions)).sorted()
        self.since = since?.rfc3339
        self.until = until?.rfc3339
        self.by = by
        self.auditRecords = auditRecords
        groups = OutcomeKPIs.compute(decisions, ledger: ledger, since: since, until: until, by: Set(by))
        if by.contains(.arm) {
            let leads = OutcomeKPIs.leads(decisions, ledger: ledger).filter { lead in
                (since.map { lead.first.time >= $0 } ?? true) && (until.map { lead.first.time < $0 } ?? true)
            }
            lift = Lift(leads: leads)
        }
    }

    /// The report as JSON: snake-case keys, sorted, one object, no trailing newline.
    package func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try encoder.encode(self))
    }
}
