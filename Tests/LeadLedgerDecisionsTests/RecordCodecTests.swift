import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The record codecs: a typed routing or audit record, encoded by its codec and
/// decoded by the same codec's reader, gives back what was decided.
@Suite("Record codecs: typed records round-trip through their one codec")
struct RecordCodecTests {
    static let lineage = RecordLineage(
        logPartition: 3, logOffset: 42, source: SourcePosition(topic: "crm.events", partition: 1, offset: 7))
    static let eventTime = "2024-05-01T09:00:00.000Z"

    static func decider(_ schema: AuditSchema = .v3, routing: RoutingSchema = .v2) throws -> Decider {
        var configuration = try DecisionFixtures.configuration(routing: DecisionFixtures.routingYAML + HoldoutTests.holdoutYAML)
        configuration.auditSchema = schema
        configuration.routingSchema = routing
        return Decider(configuration)
    }

    static func route(_ tier: Tier, queue: String, owner: String?, score: Int, id: String = "route") -> LeadDecision {
        LeadDecision(
            decisionID: DecisionID.make(partition: 0, offset: 0, kind: id), tier: tier, scoreTier: tier, queue: queue, ownerID: owner,
            holdsCapacity: owner != nil, score: score,
            overridden: false, escalated: false, closed: false, slaDeadline: nil)
    }

    static let scores = DecisionScores(
        base: -1.5, margin: 1.25, probability: 0.875, score: 88, fit: 0.625, engagement: 0.75, intent: 0.5, account: 0.25)

    /// A gate reason and two feature reasons.
    static let reasons = DecisionReasons(
        gate: .init(rule: GateRule.allCases[0], value: 2),
        features: [
            .init(index: 0, contribution: 0.75, value: 1, path: nil),
            .init(index: 1, contribution: -0.25, value: 3.5, path: nil),
        ])

    /// Encodes with a fresh writer (the decider's is reused across events).
    static func encode(_ body: (inout RecordWriter) -> [UInt8]) -> [UInt8] {
        var slot: RecordJSON.Buffer?
        var w = RecordWriter(taking: &slot)
        return body(&w)
    }

    @Test(
        "a routing record of every route change decodes to its change, route, scores, reasons and lineage, and encodes back to its bytes",
        arguments: RoutingSchema.allCases)
    func routingRoundTrip(schema: RoutingSchema) throws {
        let decider = try Self.decider(routing: schema)
        let names = decider.configuration.extractor.schema.names
        for change in RouteChange.allCases {
            let closed = change == .merged || change == .erased
            let record = RoutingRecord(
                decisionID: "dc_routing", leadID: LeadID(raw: 0x1234), accountID: closed ? nil : "acme.io",
                arm: change == .new ? nil : .holdout, change: change, emails: closed ? [] : ["a@acme.io", "b@acme.io"],
                eventTime: Self.eventTime, lineage: Self.lineage,
                route: closed
                    ? Self.route(.salesDevelop, queue: "closed", owner: nil, score: 61)
                    : Self.route(.salesReady, queue: "ae", owner: "rep-1", score: 88),
                scores: closed ? nil : Self.scores, reasons: closed ? .none : Self.reasons)
            let bytes = Self.encode { decider.core.routingCodec.encode(record, into: &$0) }
            let view = try RoutingRecordCodec.decode(bytes)
            #expect(RoutingRecordCodec.encode(view) == bytes, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(view.schemaVersion == schema && view.change == change)
            #expect(view.decisionID == record.decisionID && view.leadID == record.leadID.description)
            #expect(view.accountID == record.accountID && view.emails == record.emails && view.arm == record.arm)
            #expect(view.tier == record.route.tier.name && view.queue == record.route.queue && view.ownerID == record.route.ownerID)
            #expect(view.score == Double(record.route.score))
            #expect(view.probability == (record.scores?.probability ?? Double(record.route.score) / 100))
            #expect(view.eventTime == Self.eventTime && view.lineage == Self.lineage)
            #expect(view.modelVersion == decider.configuration.modelVersion && view.rulesetVersion == decider.configuration.rulesetVersion)
            let expected =
                (record.reasons.gate.map { [$0.rule.rawValue] } ?? []) + record.reasons.features.map { names[$0.index] }
            #expect(view.reasons.map(\.feature) == expected)
            #expect(
                view.reasons.dropFirst(record.reasons.gate == nil ? 0 : 1).map(\.contribution)
                    == record.reasons.features.map(\.contribution))
            let kinds = (record.reasons.gate.map { [ReasonKind($0.rule)] } ?? []) + record.reasons.features.map { _ in ReasonKind.feature }
            #expect(view.reasons.map(\.kind) == kinds)
            #expect(view.components.fit == (record.scores?.fit ?? 0) && view.margin == (record.scores?.margin ?? 0))
        }

        // A reassigned route's one reason, in the same words in both versions.
        let moved = RoutingRecord(
            decisionID: "dc_moved", leadID: LeadID(raw: 0x77), accountID: "acme.io", arm: nil, change: .reassigned, emails: [],
            eventTime: Self.eventTime, lineage: Self.lineage, route: Self.route(.salesReady, queue: "ae", owner: "rep-2", score: 88),
            scores: Self.scores,
            reasons: DecisionReasons(gate: nil, features: [], reassignment: .init(reason: .overCapacity(3), owner: "rep-1", ruleSet: "r2")))
        let bytes = Self.encode { decider.core.routingCodec.encode(moved, into: &$0) }
        let view = try RoutingRecordCodec.decode(bytes)
        #expect(RoutingRecordCodec.encode(view) == bytes)
        #expect(view.reasons.map(\.kind) == [.reassignment] && view.reasons.first?.value == .string("rep-1"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"{"contribution":0,"feature":"owner_over_capacity","kind":"reassignment","text":"owner_over_capacity: "#))
    }

    @Test(
        "every routing record of the golden scenario, in each schema version, decodes and encodes back to its bytes",
        arguments: GoldenOutputTests.Versions.all)
    func goldenRoutingRoundTrip(versions: GoldenOutputTests.Versions) throws {
        let outputs = try GoldenOutputTests.outputs(versions.audit, routing: versions.routing)
        #expect(!outputs.routing.isEmpty)
        for record in outputs.routing {
            let view = try RoutingRecordCodec.decode(record.value)
            #expect(view.schemaVersion == versions.routing)
            #expect(RoutingRecordCodec.encode(view) == record.value, "\(String(decoding: record.value, as: UTF8.self))")
        }
    }

    @Test(
        "the routing fixtures of both schema versions decode, and their encoding decodes to the same record",
        arguments: RoutingSchema.allCases)
    func routingFixturesRoundTrip(schema: RoutingSchema) throws {
        let name = schema == .v2 ? "leadledger.routing" : "leadledger.routing.v1"
        let directory = Fixtures.repositoryRoot.appendingPathComponent("Tests/LeadLedgerCoreTests/Fixtures/\(name)/valid")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 4)
        for file in files {
            let view = try RoutingRecordCodec.decode(Array(try Data(contentsOf: directory.appendingPathComponent(file))))
            #expect(view.schemaVersion == schema, "\(file)")
            let bytes = RoutingRecordCodec.encode(view)
            #expect(try RoutingRecordCodec.decode(bytes) == view, "\(file)")
            #expect(RoutingRecordCodec.encode(try RoutingRecordCodec.decode(bytes)) == bytes, "\(file)")
        }
        // The other version's reason spelling is refused: a version 2 record names every
        // reason's kind, a version 1 record writes `gate` for the gate rule.
        let sample = try String(contentsOf: directory.appendingPathComponent("sales-ready.json"), encoding: .utf8)
        let other = schema == .v2 ? #""schema_version": 1"# : #""schema_version": 2"#
        let mixed = sample.replacingOccurrences(of: #""schema_version": \#(schema.rawValue)"#, with: other)
        #expect(throws: ContractError.self) { try RoutingRecordCodec.decode(Array(mixed.utf8)) }
    }

    @Test(
        "an audit record decodes to its primary decision, its further decisions in order, and its state hash",
        arguments: AuditSchema.allCases)
    func auditRoundTrip(schema: AuditSchema) throws {
        let decider = try Self.decider(schema)
        let sets = FeatureSets([decider.configuration.featureSet])
        let n = decider.configuration.extractor.schema.count
        let names = decider.configuration.extractor.schema.names
        func decision(_ raw: UInt64, change: RouteChange?, arm: Arm?) -> AuditRecord.Decision {
            AuditRecord.Decision(
                leadID: LeadID(raw: raw), route: Self.route(.salesReady, queue: "ae", owner: "rep-\(raw)", score: 88),
                previous: change == .new ? nil : Self.route(.nurture, queue: "nurture", owner: nil, score: 20, id: "dc_prev\(raw)"),
                change: change, routingDecisionID: change == nil ? nil : "dc_r\(raw)", stateHash: raw &* 0x9E37_79B9,
                arm: arm, gate: GateResult(tier: .salesReady, scoreTier: .salesReady, disqualifier: nil, review: false),
                scores: Self.scores, reasons: Self.reasons)
        }
        let primary = decision(1, change: .new, arm: .treatment)
        let further = [decision(2, change: .tier, arm: .holdout), decision(3, change: nil, arm: nil)]
        var features = [Double](repeating: 0, count: n)
        features[0] = 1
        let record = AuditRecord(
            decisionID: "dc_audit", eventKind: "lead.created", accountID: "acme.io", eventTime: Self.eventTime, lineage: Self.lineage,
            primary: AuditRecord.Primary(decision: primary, emails: ["a@acme.io"], features: features, contributions: features),
            further: further, stateHash: 0xABCD)
        let bytes = Self.encode { decider.core.auditCodec.encode(record, into: &$0) }
        let view = try AuditRecordCodec.decode(bytes, featureSets: sets)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(view.schemaVersion == schema.rawValue && text.contains(#""schema_version":\#(schema.rawValue)"#))
        // Version 3 carries no email address; version 2 does.
        #expect(text.contains("a@acme.io") == (schema == .v2))
        #expect(view.contributions.count == 1 && view.features.count == n)
        #expect(view.decisionID == "dc_audit" && view.eventKind == "lead.created" && view.accountID == "acme.io")
        #expect(view.stateHash == DecisionID.hex16(0xABCD) && view.lineage == Self.lineage && view.furtherTruncated == nil)
        #expect(view.arm == "treatment" && view.features[names[0]] == 1)
        let decoded = try #require(view.decision)
        for (d, v) in zip([primary] + further, [decoded] + view.further) {
            #expect(v.leadID == d.leadID.description && v.change == d.change && v.routeChanged == (d.change != nil))
            #expect(v.routingDecisionID == d.routingDecisionID && v.arm == d.arm?.rawValue)
            #expect(v.tier == d.route.tier.name && v.queue == d.route.queue && v.ownerID == d.route.ownerID)
            #expect(v.previous?.decisionID == d.previous?.decisionID.text && v.score == Double(d.route.score))
            #expect(v.reasons.map(\.feature) == [d.reasons.gate!.rule.rawValue] + d.reasons.features.map { names[$0.index] })
        }
        #expect(view.further.map(\.stateHash) == further.map { DecisionID.hex16($0.stateHash) })

        // Without a primary decision: every decision member null.
        let none = AuditRecord(
            decisionID: "dc_none", eventKind: "web.page_viewed", accountID: nil, eventTime: Self.eventTime, lineage: Self.lineage,
            primary: nil, further: [], stateHash: 7)
        let noneView = try AuditRecordCodec.decode(Self.encode { decider.core.auditCodec.encode(none, into: &$0) }, featureSets: sets)
        #expect(noneView.decision == nil && noneView.further.isEmpty && noneView.stateHash == DecisionID.hex16(7))
    }

    @Test("a change outside the contract's set is refused with the member's path")
    func unknownChange() throws {
        let decider = try Self.decider()
        let record = RoutingRecord(
            decisionID: "dc_routing", leadID: LeadID(raw: 9), accountID: nil, arm: nil, change: .queue, emails: [],
            eventTime: Self.eventTime, lineage: Self.lineage, route: Self.route(.nurture, queue: "nurture", owner: nil, score: 10),
            scores: nil, reasons: .none)
        let text = String(decoding: Self.encode { decider.core.routingCodec.encode(record, into: &$0) }, as: UTF8.self)
        #expect(text.contains(#""change":"queue""#))
        let renamed = Array(text.replacingOccurrences(of: #""change":"queue""#, with: #""change":"requeued""#).utf8)
        #expect(throws: ContractError.self) { try RoutingRecordCodec.decode(renamed) }
    }
}
