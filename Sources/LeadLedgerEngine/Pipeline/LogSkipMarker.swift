import Kafka
import LeadLedgerCore

/// A canonical-log record that stands for an event the identity stage could not
/// produce (larger than the broker accepts): no value, and the headers of
/// ``CanonicalLogHeaders`` that name the event's source partition, its lineage
/// mark and the mark before it. The event's input is in the DLQ
/// (`output_too_large`, stage `resolve`); the marker keeps the materialize stage
/// from taking the missing event for a gap.
package struct LogSkipMarker: Sendable, Equatable {
    /// The source topic and partition of the event the marker stands for.
    package var topic: String
    package var partition: Int32
    /// The event's lineage mark.
    package var mark: LineageMark
    /// The previous event of its source partition in the same log partition.
    package var after: LineageMark?

    package init(topic: String, partition: Int32, mark: LineageMark, after: LineageMark?) {
        self.topic = topic
        self.partition = partition
        self.mark = mark
        self.after = after
    }

    /// The marker a record's headers describe; nil when they do not describe one.
    package init?(headers: [KafkaHeader]) {
        func header(_ name: String) -> String? {
            headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        guard header(CanonicalLogHeaders.skipped) != nil, let source = header(CanonicalLogHeaders.source),
            let slash = source.lastIndex(of: "/"), let partition = Int32(source[source.index(after: slash)...]),
            let mark = header(CanonicalLogHeaders.mark).flatMap(LineageMark.init(header:))
        else { return nil }
        self.init(
            topic: String(source[..<slash]), partition: partition, mark: mark,
            after: header(CanonicalLogHeaders.after).flatMap(LineageMark.init(header:)))
    }

    /// Whether `headers` mark a skip marker (without checking the rest).
    package static func isMarker(_ headers: [KafkaHeader]) -> Bool {
        !headers.isEmpty && headers.contains { $0.key == CanonicalLogHeaders.skipped }
    }

    /// The marker record standing for `event`, an output of the identity stage that
    /// could not be produced: the same topic, partition and `ll-after` header, no key
    /// or value.
    package static func record(replacing event: OutputRecord, lineage: Lineage) -> OutputRecord {
        var marker = event
        marker.key = nil
        marker.value = []
        marker.observation = nil
        marker.headers = [
            KafkaHeader(key: CanonicalLogHeaders.skipped, value: ContractError.Code.outputTooLarge.rawValue),
            KafkaHeader(key: CanonicalLogHeaders.source, value: "\(lineage.position.topic)/\(lineage.position.partition)"),
            KafkaHeader(key: CanonicalLogHeaders.mark, value: LineageMark(lineage).description),
        ]
        marker.headers += event.headers.filter { $0.key == CanonicalLogHeaders.after }
        return marker
    }
}

extension LogRecord {
    /// The canonical event a canonical-log record holds; nil for the log's records
    /// that are not events (a control record, a ``LogSkipMarker``).
    /// - Throws: the decoder's error for a record that is neither.
    package func canonicalEvent() throws(ContractError) -> CanonicalEvent? {
        if ControlRecords.isControl(headers) || (value.isEmpty && LogSkipMarker.isMarker(headers)) { return nil }
        return try CanonicalEvent(bytes: value)
    }
}
