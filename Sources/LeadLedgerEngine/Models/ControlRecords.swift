import Kafka
import LeadLedgerCore

/// How control events travel: the repartition record carries the event
/// (``RepartitionRecord``; in the previous format, its canonical JSON with the
/// contract header naming ``contract``), and the identity stage writes each event's canonical JSON to
/// every partition of the canonical log with the header ``header`` (so a log
/// reader tells a control record from a canonical event without decoding it;
/// readers of canonical events skip records that carry it).
package enum ControlRecords {
    /// The contract name in the `ll-contract` header of a repartition record of the previous format.
    package static let contract = "leadledger.control"
    /// The header of a control record in the canonical log (value: the event type).
    package static let header = "ll-control"
    /// The Kafka key of control records in the canonical log.
    package static let key = "control"

    /// Whether `headers` mark a control record of the canonical log.
    package static func isControl(_ headers: [KafkaHeader]) -> Bool {
        !headers.isEmpty && headers.contains { $0.key == header }
    }

    /// The canonical-log records of `event`: one per partition `0..<partitions`.
    package static func logRecords(_ event: ControlEvent, topic: String, partitions: Int32) -> [OutputRecord] {
        let value = event.encoded
        return (0..<max(1, partitions)).map { partition in
            OutputRecord(
                topic: topic, key: key, value: value, partition: partition,
                headers: [KafkaHeader(key: header, value: event.kind.rawValue)])
        }
    }
}
