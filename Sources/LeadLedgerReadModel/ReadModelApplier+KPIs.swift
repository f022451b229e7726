import Foundation
import GRDB
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

extension ReadModelApplier {
    /// Keeps an audit record's lead decisions as the outcome KPIs read them. A
    /// repeated record (same log position) replaces its rows with the same values.
    func recordObservations(_ record: AuditRecordView) throws {
        guard let observations = DecisionObservation.observations(in: record) else {
            throw ContractError(.schemaViolation, field: "$.event_time", "not an RFC 3339 instant")
        }
        try db.execute(
            sql: "INSERT OR IGNORE INTO kpi_audit_record (log_partition, log_offset) VALUES (?, ?)",
            arguments: [record.lineage.logPartition, record.lineage.logOffset])
        for decision in observations {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO kpi_decision (log_partition, log_offset, lead_id, event_time_ms, tier, queue,
                        owner_id, score, probability, route_changed, model_version, arm)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    decision.logPartition, decision.logOffset, decision.leadID, decision.time.milliseconds, decision.tier,
                    decision.queue, decision.ownerID, decision.score, decision.probability, decision.routeChanged,
                    decision.modelVersion, decision.arm.rawValue,
                ])
        }
    }

    /// Keeps what the outcome ledger reads of a canonical event: the lead's first
    /// event time, and the event itself when it is an outcome, a won opportunity
    /// or an override.
    func recordOutcomeFacts(_ event: CanonicalEvent, record: LogRecord) throws {
        if let lead = event.leadID?.description {
            try db.execute(
                sql: """
                    INSERT INTO kpi_first_seen (lead_id, event_time_ms) VALUES (?, ?)
                    ON CONFLICT (lead_id) DO UPDATE SET event_time_ms = min(event_time_ms, excluded.event_time_ms)
                    """,
                arguments: [lead, event.eventTime.milliseconds])
        }
        let keep: Bool
        switch event.payload {
        case .outcome, .overrideSet: keep = event.leadID != nil
        case .opportunity(let facts): keep = facts.isWon == true
        default: keep = false
        }
        guard keep else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO kpi_log_event (log_partition, log_offset, event) VALUES (?, ?, ?)",
            arguments: [record.partition, record.offset, Data(record.value)])
    }
}
