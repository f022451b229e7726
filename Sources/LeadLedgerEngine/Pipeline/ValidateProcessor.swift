import Kafka
import LeadLedgerCore

/// Resolve, step 1 (stateless, partition-parallel over the inbound topics):
/// validates each message against its contract and rejects events dated beyond
/// the wall clock plus the allowed skew (`FutureTimestampCheck`: this step is
/// the non-deterministic edge before the log). Valid messages go, unchanged
/// and with their source position in headers, to the identity repartition
/// topic (one partition: see `IdentityProcessor`); invalid ones go to the DLQ
/// with the original bytes, source position, error code and reason, followed by a
/// skip marker on the repartition topic, so the identity stage knows the offset
/// was not forwarded (gap-aware de-duplication: `RepartitionCoverage`).
package struct ValidateProcessor: PartitionProcessor {
    package static let snapshotFormat = "route/1"
    package static let isStateful = false

    let topics: TopicNames
    let contracts: InboundTopicMap
    let decoder: InboundDecoder
    let futureCheck: FutureTimestampCheck
    /// The next source offset expected (set by `begin(at:)`; nil: not told yet).
    var expected: Int64?
    /// The model versions control events may name (nil: any well-formed version).
    var catalog: ModelCatalog?

    /// Creates the processor.
    package init(topics: TopicNames, decoder: InboundDecoder = InboundDecoder(), futureCheck: FutureTimestampCheck = FutureTimestampCheck())
    {
        self.topics = topics
        self.contracts = InboundTopicMap(topics)
        self.decoder = decoder
        self.futureCheck = futureCheck
    }

    package mutating func begin(at offset: Int64) { expected = offset }

    package mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        let coversFrom = min(expected ?? record.offset, record.offset)
        expected = record.offset + 1
        let source = SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)
        let result =
            record.topic == topics.control
            ? checkControl(record).map { (value: $0, contract: ControlRecords.contract) }
            : check(record).map { (value: record.value, contract: $0.rawValue) }
        switch result {
        case .success(let forwarded):
            return [
                repartition(
                    record, key: record.key, value: forwarded.value, coversFrom: coversFrom,
                    extra: [RepartitionHeaders.contract: forwarded.contract])
            ]
        case .failure(let error):
            return [
                deadLetter(record, source: source, error: error),
                repartition(record, key: nil, value: [], coversFrom: coversFrom, extra: [RepartitionHeaders.skipped: "rejected"]),
            ]
        }
    }

    /// The record's contract, or why it is rejected.
    func check(_ record: LogRecord) -> Result<InboundTopic, ContractError> {
        guard let contract = contracts.contract(of: record.topic) else {
            return .failure(ContractError(.unsupportedType, "topic \(record.topic) is not an inbound topic"))
        }
        do {
            let events = try decoder.decode(topic: contract, bytes: record.value)
            let batch = record.value.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
            if let error = futureCheck.violation(in: events, batch: batch) { return .failure(error) }
        } catch {
            return .failure(error)
        }
        return .success(contract)
    }

    /// A repartition record for `record`: the forwarded message (headed by its
    /// contract) or a skip marker (no value, headed by `skipped`).
    func repartition(_ record: LogRecord, key: [UInt8]?, value: [UInt8], coversFrom: Int64, extra: KeyValuePairs<String, String>)
        -> OutputRecord
    {
        var headers = extra.map { KafkaHeader(key: $0.key, value: $0.value) }
        headers += [
            KafkaHeader(key: RepartitionHeaders.topic, value: record.topic),
            KafkaHeader(key: RepartitionHeaders.partition, value: String(record.partition)),
            KafkaHeader(key: RepartitionHeaders.offset, value: String(record.offset)),
            KafkaHeader(key: RepartitionHeaders.coversFrom, value: String(coversFrom)),
        ]
        return OutputRecord(topic: topics.identity, key: key, value: value, partition: 0, headers: headers)
    }

    func deadLetter(_ record: LogRecord, source: SourcePosition, error: ContractError) -> OutputRecord {
        DeadLetterOutput.rejected(record.value, key: record.key, source: source, error: error, stage: .resolve, topic: topics.dlq)
    }

    package func snapshot() -> [UInt8]? { nil }

    /// A DLQ record referencing the inbound message (`output_too_large`). When the
    /// refused output is the forwarded copy, a skip marker follows it (like a rejected
    /// input's: the same source headers and `coversFrom`, no value, `ll-skipped:
    /// output_too_large`), so the identity stage counts the offset as accounted for
    /// instead of reporting a `source_gap`.
    package func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> [OutputRecord] {
        let source = SourcePosition(topic: input.topic, partition: input.partition, offset: input.offset)
        let deadLetter = DeadLetterOutput.unsendable(
            output, input: input.value, key: input.key, source: source, stage: .resolve, topic: topics.dlq, reason: reason)
        guard output.topic == topics.identity else { return [deadLetter] }
        var marker = output
        marker.key = nil
        marker.value = []
        marker.observation = nil
        marker.headers.removeAll { $0.key == RepartitionHeaders.contract || $0.key == RepartitionHeaders.skipped }
        marker.headers.insert(KafkaHeader(key: RepartitionHeaders.skipped, value: Self.tooLargeMarker), at: 0)
        return [deadLetter, marker]
    }

    /// The `ll-skipped` value of a forwarded copy too large to produce.
    static let tooLargeMarker = "output_too_large"

}
