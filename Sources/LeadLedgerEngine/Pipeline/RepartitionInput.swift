import Kafka
import LeadLedgerCore

/// One record of the identity repartition topic, in either of its formats:
///
/// - the binary form the validate stage writes (``RepartitionRecord``): the
///   decoded events or control event and the source position, no headers;
/// - the previous format, still read because an upgraded deployment finds it on
///   the topic: the inbound message's JSON (or a control event's canonical JSON)
///   with the source position and contract in string headers (`RepartitionHeaders`);
/// - a skip marker (no value, `RepartitionHeaders.skipped` and the source headers),
///   which both formats write the same way.
package struct RepartitionInput: Sendable {
    /// What the record carries.
    package enum Content: Sendable {
        /// A skip marker, with its reason (`rejected`, `output_too_large`).
        case skipped(String)
        /// The binary form's payload: nothing left to parse.
        case record(RepartitionRecord.Payload)
        /// The previous format's inbound message, JSON still to decode with the contract's decoder.
        case message(InboundTopic, [UInt8])
        /// The previous format's control event, canonical JSON still to decode.
        case control([UInt8])
    }

    /// Where the validate stage read the message.
    package var source: SourcePosition
    /// The first source offset the record accounts for; nil on records of the
    /// previous format written before `ll-covers-from` existed.
    package var coversFrom: Int64?
    package var content: Content

    /// Reads `record`.
    /// - Throws: `schema_violation` for a binary form that cannot be read, or a record of
    ///   the previous format without its source headers or with an unknown contract.
    package init(_ record: LogRecord) throws(ContractError) {
        if RepartitionRecord.isBinary(record.value) {
            let binary = try RepartitionRecord(bytes: record.value)
            source = binary.source
            coversFrom = binary.coversFrom
            content = .record(binary.payload)
            return
        }
        func header(_ name: String) -> String? {
            record.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        guard let topic = header(RepartitionHeaders.topic), let partition = header(RepartitionHeaders.partition).flatMap({ Int32($0) }),
            let offset = header(RepartitionHeaders.offset).flatMap({ Int64($0) })
        else {
            throw ContractError(.schemaViolation, "repartition record without source headers")
        }
        source = SourcePosition(topic: topic, partition: partition, offset: offset)
        coversFrom = header(RepartitionHeaders.coversFrom).flatMap { Int64($0) }
        let contract = header(RepartitionHeaders.contract)
        if let reason = header(RepartitionHeaders.skipped) {
            content = .skipped(reason)
        } else if contract == ControlRecords.contract {
            content = .control(record.value)
        } else if let inbound = contract.flatMap({ InboundTopic(rawValue: $0) }) {
            content = .message(inbound, record.value)
        } else {
            throw ContractError(.schemaViolation, "repartition record without source headers")
        }
    }

    /// Whether the record carries a control event (in either format).
    package var isControl: Bool {
        switch content {
        case .record(.control), .control: true
        default: false
        }
    }

    /// Whether the record is a skip marker.
    package var isSkipMarker: Bool {
        if case .skipped = content { return true }
        return false
    }
}
