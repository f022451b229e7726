import Kafka
import LeadLedgerCore

/// Resolve, step 1 (stateless, partition-parallel over the inbound topics):
/// validates each message against its contract and rejects events dated beyond
/// the wall clock plus the allowed skew (`FutureTimestampCheck`: this step is
/// the non-deterministic edge before the log). Valid messages go to the
/// identity repartition topic (one partition: see `IdentityProcessor`) as a
/// ``RepartitionRecord``: the events decoded here and the source position, in
/// binary, so the identity stage does not parse the JSON again (the key is the
/// inbound key; no headers); invalid ones go to the DLQ
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
        let result: Result<RepartitionRecord.Payload, ContractError> =
            record.topic == topics.control ? checkControl(record).map { .control($0) } : check(record)
        switch result {
        case .success(let payload):
            let forwarded = RepartitionRecord(source: source, coversFrom: coversFrom, payload: payload)
            return [OutputRecord(topic: topics.identity, key: record.key, value: forwarded.encoded, partition: 0)]
        case .failure(let error):
            return [
                deadLetter(record, source: source, error: error),
                skipMarker(source: source, coversFrom: coversFrom, reason: "rejected"),
            ]
        }
    }

    /// The record's contract and events, or why it is rejected.
    func check(_ record: LogRecord) -> Result<RepartitionRecord.Payload, ContractError> {
        guard let contract = contracts.contract(of: record.topic) else {
            return .failure(ContractError(.unsupportedType, "topic \(record.topic) is not an inbound topic"))
        }
        do {
            let events = try decoder.decode(topic: contract, bytes: record.value)
            let batch = record.value.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
            if let error = futureCheck.violation(in: events, batch: batch) { return .failure(error) }
            return .success(.inbound(contract, events))
        } catch {
            return .failure(error)
        }
    }

    /// A skip marker: a repartition record without key or value that only accounts
    /// for its source offset (and those from `coversFrom`), headed by `skipped`
    /// (the reason) and the source position (`RepartitionHeaders`).
    func skipMarker(source: SourcePosition, coversFrom: Int64, reason: String) -> OutputRecord {
        let headers = RepartitionHeaders.headers((RepartitionHeaders.skipped, reason), source: source, coversFrom: coversFrom)
        return OutputRecord(topic: topics.identity, key: nil as [UInt8]?, value: [], partition: 0, headers: headers)
    }

    func deadLetter(_ record: LogRecord, source: SourcePosition, error: ContractError) -> OutputRecord {
        DeadLetterOutput.rejected(record.value, key: record.key, source: source, error: error, stage: .resolve, topic: topics.dlq)
    }

    package func snapshot() -> [UInt8]? { nil }

    /// A DLQ record referencing the inbound message (`output_too_large`). When the
    /// refused output is the forwarded record, a skip marker follows it (like a
    /// rejected input's, with the forwarded record's `coversFrom`; `ll-skipped:
    /// output_too_large`), so the identity stage counts the offset as accounted for
    /// instead of reporting a `source_gap`.
    package func replacement(forUnsendable output: OutputRecord, of input: LogRecord, reason: String) -> [OutputRecord] {
        let source = SourcePosition(topic: input.topic, partition: input.partition, offset: input.offset)
        let deadLetter = DeadLetterOutput.unsendable(
            output, input: input.value, key: input.key, source: source, stage: .resolve, topic: topics.dlq, reason: reason)
        guard output.topic == topics.identity else { return [deadLetter] }
        let coversFrom = (try? RepartitionRecord(bytes: output.value))?.coversFrom ?? input.offset
        return [deadLetter, skipMarker(source: source, coversFrom: coversFrom, reason: Self.tooLargeMarker)]
    }

    /// The `ll-skipped` value of a forwarded copy too large to produce.
    static let tooLargeMarker = "output_too_large"

}
