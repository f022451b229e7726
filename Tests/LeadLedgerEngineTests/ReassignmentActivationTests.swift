import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import TestSupport
import Testing

/// Reassignment at a rule-set switch in the materialize stage, without a broker:
/// the switch's control record itself emits the `reassigned` routing records and
/// one audit record, and a replay from a snapshot on either side of it gives the
/// same bytes.
@Suite("Reassignment at a rule-set switch (materialize)")
struct ReassignmentActivationTests {
    /// The default rules routed by territory only, with rep-5 gone.
    static func withoutRep5() throws -> [UInt8] {
        let text = try String(contentsOfFile: defaultRoutingFile, encoding: .utf8)
        let changed = text.replacing("account_owner_first: true", with: "account_owner_first: false").replacing(
            "      - {id: rep-5, weight: 2, capacity: 200}\n", with: "")
        #expect(changed != text && !changed.contains("rep-5"))
        return Array(changed.utf8)
    }

    @Test func switchReassignsAtItsPositionAndReplaysByteForByte() throws {
        let record = try RuleSetRecord(
            yaml: try Self.withoutRep5(), source: "without-rep-5.yaml", createdAt: "2026-12-01T10:00:00Z", createdBy: "test")
        let store = ModelStore(directory: URL(fileURLWithPath: try makeTemporaryDirectory("reassign-catalog")))
        try store.saveRuleSet(record)
        let catalog = ModelCatalog(
            configured: Decider(defaultDecisions), store: store, registry: nil, reader: nil,
            routingYAML: try Data(contentsOf: URL(fileURLWithPath: defaultRoutingFile)), routingSource: defaultRoutingFile,
            logger: Logger(label: "test"))
        let (_, plain, topics) = ProductSnapshotTests.logs(messages: 2000)
        let switchAt = 900
        var events: [LogRecord] = []
        for original in plain {
            if events.count == switchAt {
                let control = ModelLifecycleTests.event(.rulesetPromote, record.rulesetVersion, id: "p1")
                let output = ControlRecords.logRecords(control, topic: topics.events, partitions: 1)[0]
                events.append(
                    LogRecord(
                        topic: topics.events, partition: 0, offset: Int64(events.count), key: output.key, value: output.value,
                        headers: output.headers))
            }
            events.append(
                LogRecord(topic: topics.events, partition: 0, offset: Int64(events.count), key: original.key, value: original.value))
        }
        let factory = MaterializeFactory(topics: topics, catalog: catalog)
        var full = factory.makeProcessor(partition: 0)
        let outputs = events.map { full.apply($0) }

        // The switch's own outputs: one audit record and the reassigned routes.
        let atSwitch = outputs[switchAt]
        let audits = try atSwitch.filter { $0.topic == topics.audit }.map { try AuditRecordView($0.value) }
        let routes = try atSwitch.filter { $0.topic == topics.routing }.map { try RoutingRecordView($0.value) }
        #expect(audits.count == 1 && audits.first?.eventKind == "ruleset.promote")
        #expect(!routes.isEmpty && routes.allSatisfy { $0.change == .reassigned && $0.rulesetVersion == record.rulesetVersion })
        #expect(routes.allSatisfy { $0.ownerID != "rep-5" && $0.lineage.logOffset == Int64(switchAt) })
        #expect(routes.allSatisfy { $0.reasons.first?.kind == .reassignment })
        let decided = audits.flatMap { [$0.decision].compactMap { $0 } + $0.further }
        #expect(decided.map(\.leadID) == routes.map(\.leadID))
        #expect(decided.allSatisfy { $0.change == .reassigned })
        // Nothing routes to rep-5 after the switch.
        for output in outputs[(switchAt + 1)...].joined() where output.topic == topics.routing {
            #expect(try RoutingRecordView(output.value).ownerID != "rep-5")
        }

        // A snapshot on either side of the switch restores and goes on byte for byte.
        for cut in [switchAt, switchAt + 1, 1500] {
            var first = factory.makeProcessor(partition: 0)
            for event in events[..<cut] { _ = first.apply(event) }
            var restored = try factory.restoreProcessor(partition: 0, snapshot: #require(first.snapshot()))
            let rest = events[cut...].map { restored.apply($0) }
            #expect(rest == Array(outputs[cut...]), "restored at \(cut)")
            #expect(restored.snapshot() == full.snapshot())
        }
    }
}
