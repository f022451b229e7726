import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import Metrics

/// The metric handles one partition worker records into (owned by the worker,
/// so its caches need no lock).
package struct PartitionMetrics {
    package let stage: StageMetrics
    /// Inputs applied while emitting.
    package let recordsIn: Counter
    private var outputs: [(topic: String, counter: Counter)] = []
    private var rejected: [(code: String, counter: Counter)] = []
    private var tiers: [Counter?] = Array(repeating: nil, count: 8)
    private var changes: [(change: RouteChange, counter: Counter)] = []
    /// Tier names by `Tier.code` (`allCases` is in code order).
    static let tierNames = Tier.allCases.map(\.name)

    init(stage: StageMetrics, topicPartition: KafkaTopicPartition) {
        self.stage = stage
        recordsIn = Counter(
            label: MetricNames.recordsIn,
            dimensions: [("stage", stage.stage), ("topic", topicPartition.topic), ("partition", String(topicPartition.partition))])
    }

    /// Counts `count` outputs enqueued to `topic`.
    package mutating func countOutputs(_ count: Int, topic: String) {
        if let index = outputs.firstIndex(where: { $0.topic == topic }) {
            outputs[index].counter.increment(by: count)
            return
        }
        let counter = Counter(label: MetricNames.recordsOut, dimensions: [("stage", stage.stage), ("topic", topic)])
        outputs.append((topic, counter))
        counter.increment(by: count)
    }

    /// Counts what an enqueued output means (a rejection, decisions, a route change).
    package mutating func observe(_ observation: OutputObservation) {
        switch observation {
        case .rejected(let code):
            let name = code.rawValue
            if let index = rejected.firstIndex(where: { $0.code == name }) {
                rejected[index].counter.increment()
            } else {
                let counter = Counter(label: MetricNames.dlqRecords, dimensions: [("stage", stage.stage), ("code", name)])
                rejected.append((name, counter))
                counter.increment()
            }
        case .decisions(let byTier):
            for index in 0..<min(byTier.scalarCount, Self.tierNames.count) where byTier[index] > 0 {
                if tiers[index] == nil {
                    tiers[index] = Counter(label: MetricNames.decisions, dimensions: [("tier", Self.tierNames[index])])
                }
                tiers[index]?.increment(by: Int(byTier[index]))
            }
        case .routeChange(let change):
            if let index = changes.firstIndex(where: { $0.change == change }) {
                changes[index].counter.increment()
            } else {
                let counter = Counter(label: MetricNames.routeChanges, dimensions: [("change", change.rawValue)])
                changes.append((change, counter))
                counter.increment()
            }
        }
    }
}
