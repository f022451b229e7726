import Foundation
import GRDB
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions

extension ReadModelStore {
    /// The outcome-KPI report over what the read model has applied so far: the
    /// same module and the same report as `leadledger kpis`, so the API, the
    /// dashboard and the command line agree on every figure.
    /// A report is computed once per query while no batch is applied in between
    /// (``KPIReportCache``).
    package func kpis(since: EventTime?, until: EventTime?, by dimensions: [KPIDimension]) throws(ReadModelError) -> KPIReport {
        let query = KPIReportCache.Query(since: since?.milliseconds, until: until?.milliseconds, dimensions: dimensions)
        // Read before the data: a report computed from newer data is then kept under an older generation, never served stale.
        let generation = generation.load(ordering: .acquiring)
        if let cached = kpiCache.withLock({ $0.report(query, generation: generation) }) { return cached }
        let report = try computeKPIs(since: since, until: until, by: dimensions)
        kpiCache.withLock { $0.keep(report, for: query, generation: generation) }
        return report
    }

    /// The report computed from every stored decision and outcome.
    func computeKPIs(since: EventTime?, until: EventTime?, by dimensions: [KPIDimension]) throws(ReadModelError) -> KPIReport {
        let (decisions, ledger, records) = try read { db in
            var decisions: [DecisionObservation] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT log_partition, log_offset, lead_id, event_time_ms, tier, queue, owner_id, score, probability,
                        route_changed, model_version, arm
                    FROM kpi_decision ORDER BY log_partition, log_offset, lead_id
                    """)
            while let row = try rows.next() {
                let partition: Int32 = row["log_partition"]
                let offset: Int64 = row["log_offset"]
                decisions.append(
                    DecisionObservation(
                        leadID: row["lead_id"], time: EventTime(milliseconds: row["event_time_ms"]), logPartition: partition,
                        logOffset: offset, tier: row["tier"], queue: row["queue"], ownerID: row["owner_id"], score: row["score"],
                        probability: row["probability"], routeChanged: row["route_changed"], modelVersion: row["model_version"],
                        arm: Arm(rawValue: row["arm"]) ?? .treatment))
            }
            var ledger = OutcomeLedger()
            let seen = try Row.fetchCursor(db, sql: "SELECT lead_id, event_time_ms FROM kpi_first_seen")
            while let row = try seen.next() {
                ledger.recordSeen(row["lead_id"], at: EventTime(milliseconds: row["event_time_ms"]))
            }
            let events = try Row.fetchCursor(db, sql: "SELECT event FROM kpi_log_event ORDER BY log_partition, log_offset")
            while let row = try events.next() {
                let bytes: Data = row["event"]
                if let event = try? CanonicalEvent(bytes: Array(bytes)) { ledger.apply(event) }
            }
            let records = try Int.fetchOne(db, sql: "SELECT count(*) FROM kpi_audit_record") ?? 0
            return (decisions, ledger, records)
        }
        return KPIReport(decisions: decisions, ledger: ledger, auditRecords: records, since: since, until: until, by: dimensions)
    }
}
