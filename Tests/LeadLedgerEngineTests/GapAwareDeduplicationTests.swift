import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerEngine
import Testing

/// The validate → identity hop after a failed delivery: re-sent older records
/// arrive after newer ones, and the identity stage must apply each input once.
@Suite("Gap-aware de-duplication between the validate and identity stages")
struct GapAwareDeduplicationTests {
    static let topics = TopicNames()

    static func crm(_ index: Int) -> [UInt8] {
        Array(
            #"{"event_id":"e\#(index)","type":"lead.created","occurred_at":"2026-11-01T00:00:0\#(index % 10)Z","source":"salesforce","record_id":"00Q\#(index)","lead":{"email":"p\#(index)@acme.io"}}"#
                .utf8)
    }

    static func inbound(_ offset: Int64, _ value: [UInt8]) -> LogRecord {
        LogRecord(topic: topics.crm, partition: 0, offset: offset, key: Array("k\(offset)".utf8), value: value)
    }

    /// The validate stage's outputs for `records`, starting at `start` (as after a restore at that committed offset).
    static func validate(_ records: [LogRecord], from start: Int64) -> [[OutputRecord]] {
        var processor = ValidateProcessor(topics: topics)
        processor.begin(at: start)
        return records.map { processor.apply($0) }
    }

    /// Repartition records as the identity stage reads them, numbered from `offset`.
    static func repartition(_ outputs: [OutputRecord], from offset: Int64) -> [LogRecord] {
        outputs.filter { $0.topic == topics.identity }.enumerated().map { index, output in
            LogRecord(
                topic: topics.identity, partition: 0, offset: offset + Int64(index), key: output.key, value: output.value,
                headers: output.headers)
        }
    }

    /// The source offsets the canonical events of one input's `outputs` name (one
    /// input gives several events, all with its offset).
    static func sourceOffsets(_ outputs: [OutputRecord]) throws -> [Int64] {
        let offsets = try outputs.filter { $0.topic == topics.events }.map { try CanonicalEvent(bytes: $0.value).lineage.position.offset }
        return Array(Set(offsets)).sorted()
    }

    @Test("a re-sent older record below the highest offset seen is resolved, not skipped; its repeat after it is skipped")
    func resentOlderRecordIsApplied() throws {
        let messages = (0..<3).map { Self.inbound(Int64($0), Self.crm($0)) }
        // First attempt: 0, 1, 2 are sent; 1 times out, 2 is delivered anyway.
        let first = Self.validate(messages, from: 0)
        // The partition restarts at its committed offset 1 and sends 1 and 2 again.
        let again = Self.validate(Array(messages[1...]), from: 1)
        let delivered = Self.repartition(first[0] + first[2] + again[0] + again[1], from: 0)

        var identity = IdentityProcessor(topics: Self.topics)
        var resolved: [Int64] = []
        var diagnostics: [ProcessorDiagnostic] = []
        for record in delivered {
            resolved += try Self.sourceOffsets(identity.apply(record))
            diagnostics += identity.takeDiagnostics()
        }
        #expect(resolved == [0, 2, 1])
        #expect(diagnostics.map(\.code) == [.sourceGap])
        #expect(diagnostics.first?.message.contains("offsets 1...1") == true)
    }

    @Test("rejected inputs leave skip markers, so a clean run reports no gap and a marker resolves nothing")
    func skipMarkersCoverRejectedInputs() throws {
        let messages = [
            Self.inbound(0, Self.crm(0)), Self.inbound(1, Array("not json".utf8)), Self.inbound(2, Array("{}".utf8)),
            Self.inbound(3, Self.crm(3)),
        ]
        let outputs = Self.validate(messages, from: 0)
        #expect(outputs[1].map(\.topic) == [Self.topics.dlq, Self.topics.identity])
        #expect(outputs[1][1].value.isEmpty)
        var identity = IdentityProcessor(topics: Self.topics)
        var resolved: [Int64] = []
        for record in Self.repartition(outputs.flatMap { $0 }, from: 0) {
            resolved += try Self.sourceOffsets(identity.apply(record))
            #expect(identity.takeDiagnostics().isEmpty)
        }
        #expect(resolved == [0, 3])
    }

    @Test("a valid input whose forwarded copy is too large to produce is replaced by a DLQ record and a skip marker: no gap")
    func tooLargeForwardLeavesSkipMarker() throws {
        let messages = (0..<3).map { Self.inbound(Int64($0), Self.crm($0)) }
        let outputs = Self.validate(messages, from: 0)
        let processor = ValidateProcessor(topics: Self.topics)
        let replaced = processor.replacement(forUnsendable: outputs[1][0], of: messages[1], reason: "too large")
        #expect(replaced.map(\.topic) == [Self.topics.dlq, Self.topics.identity])
        let marker = try #require(replaced.last)
        #expect(marker.value.isEmpty)
        #expect(Self.header(marker, RepartitionHeaders.skipped) == "output_too_large")
        #expect(Self.header(marker, RepartitionHeaders.contract) == nil)
        #expect(Self.header(marker, RepartitionHeaders.coversFrom) == "1")
        #expect(try DeadLetter(bytes: replaced[0].value).error.code.rawValue == "output_too_large")
        var identity = IdentityProcessor(topics: Self.topics)
        var resolved: [Int64] = []
        for record in Self.repartition(outputs[0] + replaced + outputs[2], from: 0) {
            resolved += try Self.sourceOffsets(identity.apply(record))
            #expect(identity.takeDiagnostics().isEmpty)
        }
        #expect(resolved == [0, 2])
    }

    static func header(_ output: OutputRecord, _ name: String) -> String? {
        output.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("offsets the validate stage never read (below where it started, transaction markers) are covered by the next record")
    func coversFromNamesOffsetsNotRead() throws {
        var identity = IdentityProcessor(topics: Self.topics)
        // The validate stage started at 5 (offsets 0...4 were deleted by retention) and read 5, then 9.
        let outputs = Self.validate([Self.inbound(5, Self.crm(5)), Self.inbound(9, Self.crm(9))], from: 0)
        var resolved: [Int64] = []
        for record in Self.repartition(outputs.flatMap { $0 }, from: 0) {
            resolved += try Self.sourceOffsets(identity.apply(record))
            #expect(identity.takeDiagnostics().isEmpty)
        }
        #expect(resolved == [5, 9])
    }

    @Test("the coverage survives a snapshot taken while a gap is open")
    func snapshotWithOpenGap() throws {
        let messages = (0..<3).map { Self.inbound(Int64($0), Self.crm($0)) }
        let first = Self.validate(messages, from: 0)
        let again = Self.validate(Array(messages[1...]), from: 1)
        let delivered = Self.repartition(first[0] + first[2] + again[0] + again[1], from: 0)
        var before = IdentityProcessor(topics: Self.topics)
        _ = before.apply(delivered[0])
        _ = before.apply(delivered[1])
        var restored = try IdentityProcessor(topics: Self.topics, snapshot: try #require(before.snapshot()))
        #expect(restored.snapshot() == before.snapshot())
        #expect(try Self.sourceOffsets(restored.apply(delivered[2])) == [1])
        #expect(try Self.sourceOffsets(restored.apply(delivered[3])).isEmpty)
    }

    @Test("records written before ranges existed keep the high-water rule, so old repartition topics resolve as before")
    func legacyRecordsKeepTheHighWaterRule() throws {
        func legacy(_ offset: Int64, at position: Int64) -> LogRecord {
            LogRecord(
                topic: Self.topics.identity, partition: 0, offset: position, key: nil, value: Self.crm(Int(offset)),
                headers: [
                    KafkaHeader(key: RepartitionHeaders.contract, value: "crm.events"),
                    KafkaHeader(key: RepartitionHeaders.topic, value: Self.topics.crm),
                    KafkaHeader(key: RepartitionHeaders.partition, value: "0"),
                    KafkaHeader(key: RepartitionHeaders.offset, value: String(offset)),
                ])
        }
        var identity = IdentityProcessor(topics: Self.topics)
        var resolved: [Int64] = []
        for (position, offset) in [Int64(0), 2, 1, 2, 3].enumerated() {
            resolved += try Self.sourceOffsets(identity.apply(legacy(offset, at: Int64(position))))
        }
        #expect(resolved == [0, 2, 3])
    }
}
