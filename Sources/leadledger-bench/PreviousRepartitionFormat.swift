import Kafka
import LeadLedgerCore
import LeadLedgerEngine

/// The repartition records of a run rewritten in the format the validate stage
/// wrote before the binary form: the inbound message's JSON (read back from its
/// source position) or a control event's canonical JSON, with the contract and
/// the source position in headers. Skip markers are the same in both formats.
/// Lets `engine` compare the identity step's cost and the record sizes of both
/// formats over the same run.
enum PreviousRepartitionFormat {
    /// `records` in the previous format; a record whose inbound message is not in `inbound` is left out.
    static func records(_ records: [LogRecord], inbound: [LogRecord]) -> [LogRecord] {
        var messages: [SourcePosition: LogRecord] = [:]
        for record in inbound { messages[SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)] = record }
        return records.compactMap { record in
            guard let input = try? RepartitionInput(record), case .record(let payload) = input.content else { return record }
            let value: [UInt8]
            let contract: String
            switch payload {
            case .control(let event):
                value = event.encoded
                contract = ControlRecords.contract
            case .inbound(let topic, _):
                guard let message = messages[input.source] else { return nil }
                value = message.value
                contract = topic.rawValue
            }
            var previous = record
            previous.value = value
            previous.headers = RepartitionHeaders.headers(
                (RepartitionHeaders.contract, contract), source: input.source, coversFrom: input.coversFrom ?? input.source.offset)
            return previous
        }
    }

    /// What `records` put on the wire: keys, values, and header keys and values.
    static func bytes(_ records: [LogRecord]) -> Int {
        records.reduce(0) { sum, record in
            sum + (record.key?.count ?? 0) + record.value.count
                + record.headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
        }
    }
}
