import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Testing

/// The identity and materialize stages restore the snapshots an earlier build
/// wrote, to the state a run of the current build reaches: re-encoded, the
/// restored state gives the same snapshot bytes, and the records after it give
/// the same outputs.
///
/// `Fixtures/snapshots/identity-3.bin` (format `identity/3+resolver/1`) and
/// `materialize-3.bin` (format `materialize/3+ledger/…+decisions/5`) were written
/// by the build of commit 5e6f5cf from ``logs()``: the identity processor after
/// its first ``identityPrefix`` records, the materialize processor after the
/// first ``materializePrefix`` records of the log.
@Suite("Processor snapshots of earlier formats")
struct LegacySnapshotTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/snapshots")
    static let identityPrefix = 300
    static let materializePrefix = 400
    /// The canonical log's partition count of the scenario (the log trail has a slot per partition and source).
    static let logPartitions: Int32 = 3

    /// The scenario: a seeded workload through the validate step, the identity
    /// step's records with their headers, and log partition 0 of the canonical
    /// log with four control events in it (the configured model and rule set
    /// promoted, the configured model shadowed, a model that cannot be loaded
    /// promoted), so the model activation is not empty.
    static func logs() -> (identity: [LogRecord], events: [LogRecord], topics: TopicNames) {
        let (identity, _, topics) = ProductSnapshotTests.logs(messages: 600)
        var factory = IdentityFactory(topics: topics)
        factory.logPartitions = logPartitions
        var resolver = factory.makeProcessor(partition: 0)
        var events: [LogRecord] = []
        func append(_ output: OutputRecord) {
            events.append(
                LogRecord(
                    topic: topics.events, partition: 0, offset: Int64(events.count), key: output.key, value: output.value,
                    headers: output.headers))
        }
        let configured = defaultDecisions
        let when = EventTime.parseRFC3339("2026-12-01T10:00:00Z")!
        let controls: [Int: ControlEvent] = [
            60: ControlEvent(
                eventID: "c1", kind: .modelPromote, version: configured.modelVersion, actor: "ana", reason: "r", occurredAt: when),
            120: ControlEvent(
                eventID: "c2", kind: .rulesetPromote, version: configured.rulesetVersion, actor: "ana", reason: "r", occurredAt: when),
            180: ControlEvent(
                eventID: "c3", kind: .modelShadow, version: configured.modelVersion, actor: "bo", reason: "r", occurredAt: when),
            240: ControlEvent(eventID: "c4", kind: .modelPromote, version: "ffffffffffffffff", actor: "bo", reason: "r", occurredAt: when),
        ]
        for record in identity {
            for output in resolver.apply(record) where output.topic == topics.events && output.partition == 0 {
                append(output)
                if let control = controls[events.count] {
                    for output in ControlRecords.logRecords(control, topic: topics.events, partitions: 1) { append(output) }
                }
            }
        }
        return (identity, events, topics)
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// Restores `old` with `factory`, and checks it against a processor of the
    /// current build that applied the first `prefix` records: the same snapshot
    /// bytes, then the same outputs for the rest of `records`.
    static func check<F: PartitionProcessorFactory>(_ factory: F, _ records: [LogRecord], prefix: Int, old: [UInt8]) throws {
        #expect(records.count > prefix + 100, "records after the snapshot: \(records.count - prefix)")
        var fresh = factory.makeProcessor(partition: 0)
        for record in records[..<prefix] { _ = fresh.apply(record) }
        var restored = try factory.restoreProcessor(partition: 0, snapshot: old)
        let bytes = try #require(fresh.snapshot())
        #expect(restored.snapshot() == bytes, "the restored state re-encodes as the current build's own")
        #expect(bytes != old, "the current build writes another format")
        for record in records[prefix...] {
            let expected = fresh.apply(record)
            #expect(restored.apply(record) == expected, "outputs of offset \(record.offset)")
        }
        #expect(restored.snapshot() == fresh.snapshot())
    }

    @Test func identityFormat3Restores() throws {
        let (identity, _, topics) = Self.logs()
        #expect(IdentityProcessor.readableSnapshotFormats.contains("identity/3+resolver/\(IdentityResolver.snapshotFormatVersion)"))
        var factory = IdentityFactory(topics: topics)
        factory.logPartitions = Self.logPartitions
        try Self.check(factory, identity, prefix: Self.identityPrefix, old: try Self.fixture("identity-3.bin"))
    }

    @Test func materializeFormat3Restores() throws {
        let (_, events, topics) = Self.logs()
        #expect(
            MaterializeProcessor.readableSnapshotFormats.contains(
                "materialize/3+ledger/\(Ledger.snapshotFormatVersion)+decisions/\(DecisionState.snapshotFormatVersion)"))
        let factory = MaterializeFactory(topics: topics, decisions: defaultDecisions)
        var processor = factory.makeProcessor(partition: 0)
        for record in events[..<Self.materializePrefix] { _ = processor.apply(record) }
        #expect(processor.modelActivation.history.count == 4, "the control events are in the snapshot's prefix")
        #expect(!processor.modelActivation.shadows.isEmpty && processor.modelActivation.ruleSet.active != nil)
        try Self.check(factory, events, prefix: Self.materializePrefix, old: try Self.fixture("materialize-3.bin"))
    }
}
