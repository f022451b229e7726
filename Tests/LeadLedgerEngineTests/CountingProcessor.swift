import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// A small deterministic stateful processor for engine tests: counts records per
/// key, emits one audit record per record (with a running state hash) and a
/// routing record whenever a key's "tier" (count thresholds) changes.
struct CountingProcessor: PartitionProcessor {
    static let snapshotFormat = "counting/1"
    static let isStateful = true

    let partition: Int32
    let auditTopic: String
    let routingTopic: String
    var counts: [String: Int] = [:]
    var stateHash = StableHash()

    mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        let key = record.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let before = counts[key, default: 0]
        let after = before + 1
        counts[key] = after
        stateHash.combine(record.value)
        stateHash.combine(record.offset)
        let auditID = DecisionID.make(partition: record.partition, offset: record.offset, kind: "audit").text
        let audit =
            "{\"count\":\(after),\"decision_id\":\"\(auditID)\",\"key\":\"\(key)\",\"offset\":\(record.offset),\"state\":\"\(stateHash.hex)\"}"
        var outputs = [
            OutputRecord(
                topic: auditTopic, key: key, value: Array(audit.utf8), headers: [.init(key: OutputHeaders.decisionID, value: auditID)])
        ]
        if Self.tier(before) != Self.tier(after) {
            let routeID = DecisionID.make(partition: record.partition, offset: record.offset, kind: "route").text
            let route = "{\"decision_id\":\"\(routeID)\",\"key\":\"\(key)\",\"tier\":\(Self.tier(after))}"
            outputs.append(
                OutputRecord(
                    topic: routingTopic, key: key, value: Array(route.utf8), headers: [.init(key: OutputHeaders.decisionID, value: routeID)]
                ))
        }
        return outputs
    }

    static func tier(_ count: Int) -> Int { count >= 10 ? 3 : count >= 3 ? 2 : count >= 1 ? 1 : 0 }

    func snapshot() -> [UInt8]? {
        var text = "\(stateHash.value)\n"
        for (key, count) in counts.sorted(by: { $0.key < $1.key }) { text += "\(key)\t\(count)\n" }
        return Array(text.utf8)
    }
}

struct CountingFactory: PartitionProcessorFactory {
    let auditTopic: String
    let routingTopic: String

    func makeProcessor(partition: Int32) -> CountingProcessor {
        CountingProcessor(partition: partition, auditTopic: auditTopic, routingTopic: routingTopic)
    }

    struct Unreadable: Error {}

    func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> CountingProcessor {
        var processor = makeProcessor(partition: partition)
        let lines = String(decoding: snapshot, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, let hash = UInt64(first) else { throw Unreadable() }
        processor.stateHash = StableHash(value: hash)
        for line in lines.dropFirst() where !line.isEmpty {
            let parts = line.split(separator: "\t")
            guard parts.count == 2, let count = Int(parts[1]) else { throw Unreadable() }
            processor.counts[String(parts[0])] = count
        }
        return processor
    }
}
