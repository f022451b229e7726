import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import TestSupport
import Testing

/// Rule-set activation on the log, without a broker: `ruleset.promote` and
/// `ruleset.rollback` switch the routing rules independently of the model, the
/// materialize stage routes by the rule set in force at each log position
/// (replay and snapshots included), and `explain`'s switches credit each
/// decision to the activation it was taken under.
@Suite("Rule-set activation")
struct RuleSetActivationTests {
    static let configured = "aaaaaaaaaaaaaaaa"
    static let candidate = "bbbbbbbbbbbbbbbb"
    static let rules = "1111111111111111"
    static let otherRules = "2222222222222222"

    static func apply(_ activation: inout ModelActivation, _ kind: ControlEvent.Kind, _ version: String?, at offset: Int64)
        -> ModelActivation.Outcome
    {
        activation.apply(
            ModelLifecycleTests.event(kind, version, id: "e\(offset)"), at: offset, configured: configured, configuredRuleSet: rules,
            isAvailable: { $0 != "dddddddddddddddd" }, isRuleSetAvailable: { $0 != "3333333333333333" })
    }

    @Test func ruleSetsPromoteAndRollBackIndependentlyOfModels() throws {
        var activation = ModelActivation()
        let plain = ModelLifecycleTests.encoded(activation)
        #expect(Self.apply(&activation, .rulesetRollback, nil, at: 1) == .refused)
        #expect(ModelLifecycleTests.encoded(activation) != plain, "the refusal is in the history")
        #expect(activation.ruleSet == ActiveVersion(), "no rule-set state until one changed")
        #expect(Self.apply(&activation, .rulesetPromote, Self.rules, at: 2) == .unchanged)
        #expect(activation.ruleSet.active == Self.rules && activation.active == nil)
        #expect(Self.apply(&activation, .rulesetPromote, "3333333333333333", at: 3) == .unavailable)
        #expect(Self.apply(&activation, .rulesetPromote, Self.otherRules, at: 4) == .switched)
        #expect(Self.apply(&activation, .modelPromote, Self.candidate, at: 5) == .switched)
        #expect(activation.currentRuleSet(configured: Self.rules) == Self.otherRules)
        #expect(activation.current(configured: Self.configured) == Self.candidate)
        #expect(Self.apply(&activation, .rulesetRollback, nil, at: 6) == .switched)
        #expect(activation.currentRuleSet(configured: Self.rules) == Self.rules)
        #expect(activation.current(configured: Self.configured) == Self.candidate, "a rule-set rollback leaves the model alone")
        #expect(Self.apply(&activation, .rulesetRollback, nil, at: 7) == .refused)
        #expect(Self.apply(&activation, .modelRollback, nil, at: 8) == .switched)
        #expect(activation.current(configured: Self.configured) == Self.configured)
        #expect(activation.history[3].from == Self.rules && activation.history[3].to == Self.otherRules)
        #expect(activation.history[4].from == Self.configured && activation.history[4].to == Self.candidate)
        let restored = try ModelLifecycleTests.decoded(ModelLifecycleTests.encoded(activation))
        #expect(restored == activation)
        #expect(ModelLifecycleTests.encoded(restored) == ModelLifecycleTests.encoded(activation))

        // A rule-set promote names a version; its rollback names none (the JSON Schema's
        // agreement is checked with the model events in ModelLifecycleTests).
        let promote =
            #"{"event_id":"e1","type":"ruleset.promote","version":"0123456789abcdef","actor":"ana","reason":"r","occurred_at":"2026-12-01T10:00:00Z"}"#
        #expect(try ControlEvent(bytes: Array(promote.utf8)).kind == .rulesetPromote)
        let rollback = #"{"event_id":"e2","type":"ruleset.rollback","actor":"ana","reason":"r","occurred_at":"2026-12-01T10:00:00Z"}"#
        #expect(try ControlEvent(bytes: Array(rollback.utf8)).version == nil)
        #expect(throws: ContractError.self) {
            _ = try ControlEvent(bytes: Array(promote.replacing(#""version":"0123456789abcdef","#, with: "").utf8))
        }
        #expect(throws: ContractError.self) {
            _ = try ControlEvent(bytes: Array(rollback.replacing(#""actor""#, with: #""version":"0123456789abcdef","actor""#).utf8))
        }
    }

    /// The default routing rules with the development and nurture queues renamed:
    /// the same leads, routed to other queues.
    static func candidateRouting() throws -> [UInt8] {
        let text = try String(contentsOfFile: defaultRoutingFile, encoding: .utf8)
        let changed = text.replacing("queue: sdr-inbound", with: "queue: sdr-pilot").replacing(
            "queue: marketing-nurture", with: "queue: nurture-pilot")
        #expect(changed != text)
        return Array(changed.utf8)
    }

    /// A catalog with the configured model and rules, and the candidate rule set in its store.
    static func catalog() throws -> (ModelCatalog, RuleSetRecord) {
        let record = try RuleSetRecord(
            yaml: try candidateRouting(), source: "pilot.yaml", createdAt: "2026-12-01T10:00:00Z", createdBy: "test")
        let store = ModelStore(directory: URL(fileURLWithPath: try makeTemporaryDirectory("ruleset-catalog")))
        try store.saveRuleSet(record)
        #expect(try store.loadRuleSet(record.rulesetVersion) == record)
        #expect(store.versions().isEmpty, "rule sets are not model versions")
        let catalog = ModelCatalog(
            configured: Decider(defaultDecisions), store: store, registry: nil, reader: nil,
            routingYAML: try Data(contentsOf: URL(fileURLWithPath: defaultRoutingFile)), routingSource: defaultRoutingFile,
            logger: Logger(label: "test"))
        return (catalog, record)
    }

    static func queues(_ outputs: ArraySlice<[OutputRecord]>, topic: String) throws -> (queues: Set<String>, rulesets: Set<String>) {
        var queues: Set<String> = []
        var rulesets: Set<String> = []
        for output in outputs.joined() where output.topic == topic {
            let view = try RoutingRecordView(output.value)
            queues.insert(view.queue)
            rulesets.insert(view.rulesetVersion)
        }
        return (queues, rulesets)
    }

    /// The partition routes by the candidate rules between `ruleset.promote` and
    /// `ruleset.rollback` and by the configured ones outside; an unknown rule set
    /// changes nothing; a snapshot taken between the switches restores (also under
    /// other configured rules, since the log named the rules) and goes on byte for byte.
    @Test func materializeRoutesByTheRuleSetInForce() throws {
        let (catalog, record) = try Self.catalog()
        let candidate = record.rulesetVersion
        let (_, plain, topics) = ProductSnapshotTests.logs(messages: 3000)
        let controls: [Int: ControlEvent] = [
            600: ModelLifecycleTests.event(.rulesetPromote, "3333333333333333", id: "u1"),
            800: ModelLifecycleTests.event(.rulesetPromote, candidate, id: "p1"),
            1800: ModelLifecycleTests.event(.rulesetRollback, nil, id: "r1"),
        ]
        var events: [LogRecord] = []
        for record in plain {
            if let control = controls[events.count] {
                let output = ControlRecords.logRecords(control, topic: topics.events, partitions: 1)[0]
                events.append(
                    LogRecord(
                        topic: topics.events, partition: 0, offset: Int64(events.count), key: output.key, value: output.value,
                        headers: output.headers))
            }
            events.append(LogRecord(topic: topics.events, partition: 0, offset: Int64(events.count), key: record.key, value: record.value))
        }
        #expect(events.count > 2500)
        let factory = MaterializeFactory(topics: topics, catalog: catalog)
        var full = factory.makeProcessor(partition: 0)
        let outputs = events.map { full.apply($0) }
        #expect(full.modelActivation.history.map(\.outcome) == [.unavailable, .switched, .switched])

        let configured = defaultDecisions.rulesetVersion
        let before = try Self.queues(outputs[..<800], topic: topics.routing)
        let during = try Self.queues(outputs[801..<1800], topic: topics.routing)
        let after = try Self.queues(outputs[1801...], topic: topics.routing)
        #expect(before.rulesets == [configured] && after.rulesets == [configured])
        #expect(during.rulesets == [candidate])
        #expect(before.queues.contains("sdr-inbound") && !before.queues.contains("sdr-pilot"))
        #expect(
            during.queues.contains("sdr-pilot") && !during.queues.contains("sdr-inbound") && !during.queues.contains("marketing-nurture"))
        #expect(after.queues.contains("sdr-inbound") && !after.queues.contains("sdr-pilot"))
        for output in outputs[801..<1800].joined() where output.topic == topics.audit {
            #expect(try AuditRecordView(output.value).rulesetVersion == candidate)
        }

        for cut in [1200, 2000] {
            var first = factory.makeProcessor(partition: 0)
            for record in events[..<cut] { _ = first.apply(record) }
            var restored = try factory.restoreProcessor(partition: 0, snapshot: #require(first.snapshot()))
            let rest = events[cut...].map { restored.apply($0) }
            #expect(rest == Array(outputs[cut...]), "restored at \(cut)")
            #expect(restored.snapshot() == full.snapshot())
        }

        // Other configured rules: a snapshot after a rule-set activation restores, one before does not.
        let otherConfigured = MaterializeFactory(
            topics: topics, decider: try #require(catalog.decider(model: catalog.configuredVersion, ruleSet: candidate)))
        var early = factory.makeProcessor(partition: 0)
        for record in events[..<100] { _ = early.apply(record) }
        #expect(throws: (any Error).self) { _ = try otherConfigured.restoreProcessor(partition: 0, snapshot: early.snapshot()!) }
        var late = factory.makeProcessor(partition: 0)
        for record in events[..<1000] { _ = late.apply(record) }
        _ = try otherConfigured.restoreProcessor(partition: 0, snapshot: late.snapshot()!)
    }

    static func decision(_ id: String, offset: Int64, model: String, rules: String) throws -> LeadExplanation.Decision {
        let json = """
            {"decision_id":"\(id)","event_time":"2026-12-01T10:00:00.000Z","event_kind":"web.page_view","tier":"nurture",\
            "score":10,"probability":0.1,"queue":"q","route_changed":false,"reasons":[],\
            "lineage":{"log":{"topic":"events","partition":2,"offset":\(offset)},"source":{"topic":"web","partition":0,"offset":1}},\
            "model_version":"\(model)","ruleset_version":"\(rules)","state_hash":"h"}
            """
        return try JSONDecoder().decode(LeadExplanation.Decision.self, from: Data(json.utf8))
    }

    /// Each decision is credited to the last model activation and the last rule-set
    /// activation before it on its partition, when it names the version they put in force;
    /// activations without decisions of the lead, shadows and other partitions are left out.
    @Test func switchesCreditEachDecisionToItsActivation() throws {
        func control(_ kind: ControlEvent.Kind, _ version: String?, at offset: Int64, partition: Int32 = 2) -> LogRecord {
            let event = ControlEvent(
                eventID: "c\(offset)", kind: kind, version: version, actor: "ana", reason: "why \(offset)",
                occurredAt: ModelLifecycleTests.when)
            let output = ControlRecords.logRecords(event, topic: "events", partitions: 3)[Int(partition)]
            return LogRecord(
                topic: "events", partition: partition, offset: offset, key: output.key, value: output.value, headers: output.headers)
        }
        let controls = [
            control(.rulesetPromote, Self.otherRules, at: 20), control(.modelPromote, Self.configured, at: 0),
            control(.modelShadow, Self.candidate, at: 5), control(.rulesetRollback, nil, at: 30),
            control(.modelPromote, Self.candidate, at: 40), control(.modelPromote, Self.candidate, at: 7, partition: 1),
        ]
        let decisions = [
            try Self.decision("d10", offset: 10, model: Self.configured, rules: Self.rules),
            try Self.decision("d25", offset: 25, model: Self.configured, rules: Self.otherRules),
            try Self.decision("d35", offset: 35, model: Self.configured, rules: Self.rules),
        ]
        let switches = DecisionSwitches.switches(
            behind: decisions, controls: controls, configured: Self.configured, configuredRuleSet: Self.rules)
        #expect(switches.map(\.type) == ["model.promote", "ruleset.promote", "ruleset.rollback"])
        #expect(switches.map(\.decisionIDs) == [["d10", "d25", "d35"], ["d25"], ["d35"]])
        #expect(switches.map(\.log.offset) == [0, 20, 30])
        #expect(switches[1].version == Self.otherRules && switches[1].from == Self.rules && switches[1].actor == "ana")
        #expect(switches[1].reason == "why 20" && switches[1].occurredAt == ModelLifecycleTests.when.rfc3339)
        #expect(switches[2].version == Self.rules && switches[2].from == Self.otherRules)

        // A decision naming another version than the activation's is not credited to it.
        let odd = DecisionSwitches.switches(
            behind: [try Self.decision("d50", offset: 50, model: Self.configured, rules: Self.rules)], controls: controls,
            configured: Self.configured, configuredRuleSet: Self.rules)
        #expect(odd.map(\.type) == ["ruleset.rollback"])

        // A reassignment is taken at the rule-set switch's own log position: credited to that switch.
        let moved = DecisionSwitches.switches(
            behind: [try Self.decision("d20", offset: 20, model: Self.configured, rules: Self.otherRules)], controls: controls,
            configured: Self.configured, configuredRuleSet: Self.rules)
        #expect(moved.map(\.type) == ["model.promote", "ruleset.promote"] && moved.last?.decisionIDs == ["d20"])
    }
}
