import LeadLedgerCore
import LeadLedgerDecisions

extension DecisionObservation {
    /// The lead decisions of one audit record (its primary decision, then its
    /// further decisions) as analytics values, or nil when the record's event
    /// time is not valid RFC 3339. A decision's arm is its own `arm` member,
    /// else the record's, else ``Arm/treatment`` (no holdout configured). Every reader of audit records for analytics (the
    /// `kpis`, `drift` and `backtest` commands, the read model behind `serve`)
    /// goes through this one mapping.
    package static func observations(in record: AuditRecordView) -> [DecisionObservation]? {
        guard let time = EventTime.parseRFC3339(record.eventTime) else { return nil }
        return observations(in: record, time: time)
    }

    /// The lead decisions of one audit record whose event time is already parsed.
    package static func observations(in record: AuditRecordView, time: EventTime) -> [DecisionObservation] {
        let recordArm = record.arm.flatMap(Arm.init(rawValue:)) ?? .treatment
        return record.decisions.map { decision in
            let arm = decision.arm.flatMap(Arm.init(rawValue:)) ?? recordArm
            return DecisionObservation(
                leadID: decision.leadID, time: time, logPartition: record.lineage.logPartition, logOffset: record.lineage.logOffset,
                tier: decision.tier, queue: decision.queue, ownerID: decision.ownerID, score: decision.score,
                probability: decision.probability, routeChanged: decision.routeChanged, modelVersion: record.modelVersion, arm: arm)
        }
    }
}
