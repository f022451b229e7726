import LeadLedgerCore
import LeadLedgerEngine

/// The health rules, as pure functions of the stages' state (so they are tested
/// without a broker).
package enum HealthEvaluation {
    /// Ready: every stage has joined its group, every assigned partition has been
    /// restored, its lag is known and at most `maxLag` records.
    package static func readiness(_ stages: [StageStatus], maxLag: Int64) -> HealthReport {
        var reasons: [String] = []
        var count = 0
        for stage in stages.sorted(by: { $0.name < $1.name }) {
            if !stage.joined {
                reasons.append("stage \(stage.name) has not received its partitions yet")
                continue
            }
            for partition in stage.partitions.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
                count += 1
                let name = "\(stage.name) \(partition.topic)[\(partition.partition)]"
                if !partition.restored {
                    reasons.append("\(name) is restoring its state")
                } else if let lag = partition.lag {
                    if lag > maxLag { reasons.append("\(name) lags \(lag) records (ready_max_lag \(maxLag))") }
                } else {
                    reasons.append("\(name) has no fetch response yet (lag unknown)")
                }
            }
        }
        return HealthReport(ok: reasons.isEmpty, status: reasons.isEmpty ? "ready" : "not_ready", reasons: reasons, partitions: count)
    }

    /// Live: every stage's progress loop ran within `staleAfter` (a stage that has
    /// not run its loop yet counts from `startedAt`).
    package static func liveness(
        _ stages: [StageStatus], now: ContinuousClock.Instant, startedAt: ContinuousClock.Instant, staleAfter: Duration
    ) -> HealthReport {
        var reasons: [String] = []
        for stage in stages.sorted(by: { $0.name < $1.name }) {
            let last = stage.heartbeat ?? startedAt
            let silent = now - last
            if silent > staleAfter {
                let seconds = Int((silent / .seconds(1)).rounded(.down))
                reasons.append("stage \(stage.name): progress loop silent for \(seconds) s")
            }
        }
        let partitions = stages.reduce(0) { $0 + $1.partitions.count }
        return HealthReport(ok: reasons.isEmpty, status: reasons.isEmpty ? "live" : "dead", reasons: reasons, partitions: partitions)
    }
}
