import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Testing

/// The identity → materialize hop after a failed delivery to the canonical log:
/// the identity stage restarts at its committed offset and re-sends events, so
/// older events arrive after newer ones and some arrive twice. Each event must
/// be decided exactly once.
@Suite("Gap-aware de-duplication between the identity and materialize stages")
struct LogGapDeduplicationTests {
    static let topics = TopicNames()

    static func crm(_ index: Int) -> [UInt8] {
        Array(
            #"{"event_id":"e\#(index)","type":"lead.created","occurred_at":"2026-11-01T00:00:0\#(index % 10)Z","source":"salesforce","record_id":"00Q\#(index)","lead":{"email":"p\#(index)@co\#(index).io"}}"#
                .utf8)
    }

    /// Repartition records for inbound crm.events offsets 0..<count, as the validate stage writes them.
    static func repartition(count: Int) -> [LogRecord] {
        var validate = ValidateProcessor(topics: topics)
        validate.begin(at: 0)
        var records: [LogRecord] = []
        for offset in 0..<count {
            let inbound = LogRecord(
                topic: topics.crm, partition: 0, offset: Int64(offset), key: Array("k\(offset)".utf8), value: crm(offset))
            for output in validate.apply(inbound) where output.topic == topics.identity {
                records.append(
                    LogRecord(
                        topic: topics.identity, partition: 0, offset: Int64(records.count), key: output.key, value: output.value,
                        headers: output.headers))
            }
        }
        return records
    }

    /// The identity stage's log outputs for each repartition record.
    static func resolve(_ records: [LogRecord], with identity: inout IdentityProcessor) -> [[OutputRecord]] {
        records.map { identity.apply($0).filter { $0.topic == topics.events } }
    }

    /// Log records as the materialize stage of `partition` reads them, in delivery order.
    static func log(_ outputs: [OutputRecord], partition: Int32) -> [LogRecord] {
        outputs.filter { $0.partition == partition }.enumerated().map { index, output in
            LogRecord(
                topic: topics.events, partition: partition, offset: Int64(index), key: output.key, value: output.value,
                headers: output.headers)
        }
    }

    /// The lineage marks of log events.
    static func marks(_ outputs: [OutputRecord]) throws -> [LineageMark] {
        try outputs.map { LineageMark(try CanonicalEvent(bytes: $0.value).lineage) }
    }

    /// Applies `records` to one materialize processor: the events decided (one audit record each) and the diagnostics.
    static func materialize(_ records: [LogRecord]) throws -> (decided: [LineageMark], diagnostics: [ProcessorDiagnostic]) {
        var processor = MaterializeFactory(topics: topics, decisions: defaultDecisions).makeProcessor(partition: 0)
        var decided: [LineageMark] = []
        var diagnostics: [ProcessorDiagnostic] = []
        for record in records {
            let audits = processor.apply(record).filter { $0.topic == topics.audit }
            #expect(audits.count <= 1)
            if !audits.isEmpty { decided.append(LineageMark(try CanonicalEvent(bytes: record.value).lineage)) }
            diagnostics += processor.takeDiagnostics()
        }
        return (decided, diagnostics)
    }

    @Test("an event re-sent after a lost delivery is decided once; a repeat is not applied twice; later events are not lost")
    func resentEventsAfterLostDelivery() throws {
        let records = Self.repartition(count: 3)
        var identity = IdentityProcessor(topics: Self.topics)
        let first = Self.resolve(Array(records[..<1]), with: &identity)
        // The identity stage commits after record 0 and snapshots; records 1 and 2 are sent,
        // 1's events time out while 2's are delivered. The partition restarts at offset 1.
        let snapshot = try #require(identity.snapshot())
        let lost = Self.resolve(Array(records[1...]), with: &identity)
        var restarted = try IdentityProcessor(topics: Self.topics, snapshot: snapshot)
        let again = Self.resolve(Array(records[1...]), with: &restarted)
        #expect(again == lost, "re-sent events are byte-identical, headers included")

        let delivered = Self.log(first[0] + lost[1] + again[0] + again[1], partition: 0)
        let all = try Self.marks(first[0] + lost[0] + lost[1])
        #expect(Set(all.map(\.offset)) == [0, 1, 2])
        let result = try Self.materialize(delivered)
        #expect(result.decided.sorted() == all.sorted(), "every event decided, none twice")
        #expect(result.diagnostics.map(\.code) == [.sourceGap])

        // Without the header (the former high-water rule) the re-sent events of offset 1 are lost.
        let stripped = delivered.map { record in
            var record = record
            record.headers = []
            return record
        }
        #expect(Set(try Self.materialize(stripped).decided.map(\.offset)) == [0, 2])
    }

    @Test(
        "an event too large for the log leaves a skip marker: the input is in the DLQ, the later events are decided, and no gap is reported"
    )
    func tooLargeEventLeavesAMarker() throws {
        let records = Self.repartition(count: 3)
        var identity = IdentityProcessor(topics: Self.topics)
        let outputs = Self.resolve(records, with: &identity)
        // Every event of record 1 is refused by the broker (larger than message.max.bytes).
        var replacements: [OutputRecord] = []
        for output in outputs[1] {
            replacements += identity.replacement(forUnsendable: output, of: records[1], reason: "Broker: Message size too large")
        }
        let deadLetters = replacements.filter { $0.topic == Self.topics.dlq }
        let markers = replacements.filter { $0.topic == Self.topics.events }
        #expect(deadLetters.count == outputs[1].count && markers.count == outputs[1].count)
        #expect(markers.allSatisfy { $0.value.isEmpty && $0.key == nil })
        #expect(zip(markers, outputs[1]).allSatisfy { $0.partition == $1.partition })
        let letter = try DeadLetter(bytes: try #require(deadLetters.first).value)
        #expect(letter.error.code == .outputTooLarge && letter.source.offset == 1)

        let decided = try Self.marks(outputs[0] + outputs[2])
        let withMarkers = try Self.materialize(Self.log(outputs[0] + markers + outputs[2], partition: 0))
        #expect(withMarkers.decided.sorted() == decided.sorted(), "the events after the refused one are decided")
        #expect(withMarkers.diagnostics.isEmpty, "\(withMarkers.diagnostics)")
        // Without the markers, the refused events look like a gap.
        let without = try Self.materialize(Self.log(outputs[0] + outputs[2], partition: 0))
        #expect(without.diagnostics.map(\.code) == [.sourceGap])
    }

    @Test("split over several log partitions, a clean run reports no gap, and every event lands where its key hashes")
    func severalPartitionsCleanRun() throws {
        let records = Self.repartition(count: 40)
        var factory = IdentityFactory(topics: Self.topics)
        factory.logPartitions = 3
        var identity = factory.makeProcessor(partition: 0)
        let outputs = Self.resolve(records, with: &identity).flatMap { $0 }
        var decided: [LineageMark] = []
        for partition in Int32(0)..<3 {
            let log = Self.log(outputs, partition: partition)
            #expect(!log.isEmpty)
            for record in log {
                #expect(KafkaPartitioner.consistent(key: try #require(record.key), partitions: 3) == partition)
            }
            let result = try Self.materialize(log)
            #expect(result.diagnostics.isEmpty)
            decided += result.decided
        }
        let all = try Self.marks(outputs)
        #expect(decided.sorted() == all.sorted())
    }
}
