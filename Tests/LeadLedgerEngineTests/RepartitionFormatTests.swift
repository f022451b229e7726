import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerEngine
import Testing

/// The validate → identity hop in its binary form (`RepartitionRecord`), and the
/// previous format (JSON value, string headers) an upgraded deployment still
/// finds on the repartition topic: both resolve to the same canonical events.
@Suite("Repartition record formats")
struct RepartitionFormatTests {
    static let topics = TopicNames()

    /// `count` generated inbound messages (some malformed) as the validate stage reads them.
    static func generated(_ count: Int, seed: UInt64 = 14) -> [LogRecord] {
        var generator = WorkloadGenerator(seed: seed, topics: topics, malformedRate: 0.05)
        var offsets: [String: Int64] = [:]
        return (0..<count).map { _ in
            let message = generator.next()
            let offset = offsets[message.topic, default: 0]
            offsets[message.topic] = offset + 1
            return LogRecord(topic: message.topic, partition: 0, offset: offset, key: Array(message.key.utf8), value: message.value)
        }
    }

    /// The validate stage's repartition records for `inbound`, numbered from 0, with the inbound message each forwards.
    static func repartition(_ inbound: [LogRecord]) -> [(record: LogRecord, message: LogRecord)] {
        // One processor per source partition, as the engine runs them.
        var processors: [String: ValidateProcessor] = [:]
        var out: [(LogRecord, LogRecord)] = []
        for message in inbound {
            var validate = processors[message.topic] ?? ValidateProcessor(topics: topics)
            let outputs = validate.apply(message)
            processors[message.topic] = validate
            for output in outputs where output.topic == topics.identity {
                let record = LogRecord(
                    topic: topics.identity, partition: 0, offset: Int64(out.count), key: output.key, value: output.value,
                    headers: output.headers)
                out.append((record, message))
            }
        }
        return out
    }

    /// `record` as the validate stage wrote it before the binary form: the message's JSON
    /// (a control event's canonical JSON) with the contract and source position in headers.
    static func previousFormat(_ record: LogRecord, message: LogRecord) throws -> LogRecord {
        let input = try RepartitionInput(record)
        guard case .record(let payload) = input.content else { return record }
        var previous = record
        let contract: String
        switch payload {
        case .control(let event):
            previous.value = event.encoded
            contract = ControlRecords.contract
        case .inbound(let topic, _):
            previous.value = message.value
            contract = topic.rawValue
        }
        previous.headers = RepartitionHeaders.headers(
            (RepartitionHeaders.contract, contract), source: input.source, coversFrom: try #require(input.coversFrom))
        return previous
    }

    /// Everything an identity processor produces for `records`, and its final snapshot.
    static func resolve(_ records: [LogRecord]) -> (outputs: [OutputRecord], snapshot: [UInt8]?) {
        var identity = IdentityProcessor(topics: topics)
        var outputs: [OutputRecord] = []
        for record in records { outputs += identity.apply(record) }
        return (outputs, identity.snapshot())
    }

    @Test("generated messages: the forwarded record holds exactly the events the JSON decodes to, at its source position")
    func generatedMessagesRoundTrip() throws {
        let decoder = InboundDecoder()
        let forwarded = Self.repartition(Self.generated(3_000))
        var events = 0
        var markers = 0
        for (record, message) in forwarded {
            let input = try RepartitionInput(record)
            #expect(input.source == SourcePosition(topic: message.topic, partition: message.partition, offset: message.offset))
            #expect(input.coversFrom == message.offset)
            switch input.content {
            case .record(.inbound(let contract, let decoded)):
                #expect(record.headers.isEmpty && record.key == message.key)
                #expect(decoded == (try decoder.decode(topic: contract, bytes: message.value)))
                #expect(RepartitionRecord.isBinary(record.value) && record.value.count < message.value.count)
                events += decoded.count
            case .skipped(let reason):
                #expect(reason == "rejected" && record.value.isEmpty)
                markers += 1
            default:
                Issue.record("unexpected repartition record \(input.content)")
            }
        }
        #expect(events > 2_500 && markers > 50)
    }

    @Test("identity gives byte-identical outputs and state for the binary and the previous format, and for a topic holding both")
    func formatsResolveAlike() throws {
        let forwarded = Self.repartition(Self.generated(3_000, seed: 3))
        let binary = forwarded.map(\.record)
        let previous = try forwarded.map { try Self.previousFormat($0.record, message: $0.message) }
        #expect(binary != previous)
        #expect(previous.allSatisfy { !RepartitionRecord.isBinary($0.value) })
        let current = Self.resolve(binary)
        #expect(current.outputs.count > 3_000)
        #expect(current.outputs.allSatisfy { $0.topic == Self.topics.events })
        let old = Self.resolve(previous)
        #expect(old.outputs == current.outputs)
        #expect(old.snapshot == current.snapshot)
        // An upgrade: the first half written by the previous release, the rest by this one.
        let half = binary.count / 2
        let upgraded = Self.resolve(Array(previous[..<half]) + Array(binary[half...]))
        #expect(upgraded.outputs == current.outputs)
        #expect(upgraded.snapshot == current.snapshot)
        // A repeat of the validate stage in the other format is still a repeat.
        var identity = IdentityProcessor(topics: Self.topics)
        for record in binary[..<half] { _ = identity.apply(record) }
        for record in previous[..<half] { #expect(identity.apply(record).isEmpty) }
    }

    @Test("a control event resolves to the same log records in both formats")
    func controlEventsAlike() throws {
        let event = ControlEvent(
            eventID: "ctl_1", kind: .modelPromote, version: "0123456789abcdef", actor: "ops", reason: "test",
            occurredAt: EventTime(milliseconds: 1_767_225_600_000))
        let message = LogRecord(topic: Self.topics.control, partition: 0, offset: 4, key: Array("ctl".utf8), value: event.encoded)
        let forwarded = Self.repartition([message])
        let record = try #require(forwarded.first?.record)
        guard case .record(.control(let carried)) = try RepartitionInput(record).content else {
            Issue.record("not a control record")
            return
        }
        #expect(carried == event)
        let binary = Self.resolve([record]).outputs
        #expect(binary.count == 1 && binary.first?.value == event.encoded)
        #expect(Self.resolve([try Self.previousFormat(record, message: message)]).outputs == binary)
    }

    @Test("an unreadable binary record goes to the DLQ under its own position; nothing crashes")
    func unreadableBinaryRecord() throws {
        let record = try #require(Self.repartition(Self.generated(5)).first { !$0.record.value.isEmpty }?.record)
        var identity = IdentityProcessor(topics: Self.topics)
        for length in [2, record.value.count / 2, record.value.count - 1] {
            var broken = record
            broken.value = Array(record.value.prefix(length))
            let outputs = identity.apply(broken)
            #expect(outputs.map(\.topic) == [Self.topics.dlq])
            let letter = try DeadLetter(bytes: try #require(outputs.first).value)
            #expect(letter.error.code == .schemaViolation && letter.stage == .resolve)
            #expect(letter.source == SourcePosition(topic: Self.topics.identity, partition: 0, offset: record.offset))
            #expect(letter.original == .copy(broken.value))
        }
    }

    @Test("a canonical event too large for the log: the DLQ record names the inbound position, and redrive leaves it alone")
    func tooLargeEventFromBinaryRecord() throws {
        let forwarded = Self.repartition(Self.generated(20))
        let (record, message) = try #require(forwarded.first { !$0.record.value.isEmpty })
        var identity = IdentityProcessor(topics: Self.topics)
        let event = try #require(identity.apply(record).first)
        let replaced = identity.replacement(forUnsendable: event, of: record, reason: "too large")
        #expect(replaced.map(\.topic) == [Self.topics.dlq, Self.topics.events])
        let letter = try DeadLetter(bytes: replaced[0].value)
        #expect(letter.error.code == .outputTooLarge && letter.stage == .resolve)
        #expect(letter.source == SourcePosition(topic: message.topic, partition: message.partition, offset: message.offset))
        guard case .reference(let reference) = letter.original else {
            Issue.record("not a reference")
            return
        }
        #expect(reference.size == record.value.count && reference.prefix.first == RepartitionRecord.magic)
        let verdict = DeadLetterRedrive.verdict(
            letter, partition: 0, offset: 0, markers: [], inboundTopics: Set(Self.topics.inbound))
        #expect(verdict == .skip(.repartitionForm))
        // The same in the previous format references the inbound JSON, which redrive re-produces.
        let previous = try Self.previousFormat(record, message: message)
        var old = IdentityProcessor(topics: Self.topics)
        let oldEvent = try #require(old.apply(previous).first)
        let oldLetter = try DeadLetter(bytes: old.replacement(forUnsendable: oldEvent, of: previous, reason: "too large")[0].value)
        #expect(oldLetter.source == letter.source)
        #expect(
            DeadLetterRedrive.verdict(oldLetter, partition: 0, offset: 1, markers: [], inboundTopics: Set(Self.topics.inbound)) == .redrive)
    }
}
