import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// Golden outputs: the bytes of a fixed scenario, as main's release produced them,
/// committed under `Golden/` and compared on every run.
///
/// The scenario is pure code: ``mixedScenario()`` (merge, override, SLA, erasure)
/// followed by ``GoldenOutputTests/seededLog(seed:)`` (a SplitMix64-seeded
/// workload), resolved into one canonical log (partition 0) and decided with the
/// scoring configuration, model artifact and routing rules in `Golden/config/`
/// (a frozen copy, independent of `config/`). Compared:
/// - `Golden/digests.txt`: SHA-256 of the log bytes (each event's canonical
///   encoding and a newline), of the routing records and of the audit records (each
///   record's key, 0x00, value), the record counts, and the model and ruleset versions;
/// - `Golden/records/*.json`: a handful of full records, byte for byte.
///
/// The existing determinism tests compare two runs of the same build; these compare
/// with the bytes of an earlier build. A refactor must leave them unchanged. A
/// deliberate contract change (a new schema version, a new field) regenerates them,
/// in the same commit as the change and saying so:
///
///     LEADLEDGER_REGENERATE_GOLDEN=1 swift test --filter GoldenOutputTests
///
/// rewrites the files in the source tree (the test then passes); review the diff.
@Suite("Golden outputs: fixed scenario against committed bytes")
struct GoldenOutputTests {
    static let directory = Fixtures.repositoryRoot.appendingPathComponent("Tests/LeadLedgerDecisionsTests/Golden")
    static var regenerate: Bool { ProcessInfo.processInfo.environment["LEADLEDGER_REGENERATE_GOLDEN"] == "1" }

    /// The scenario's outputs, computed once.
    struct Outputs {
        var log: [CanonicalEvent]
        var replay: Replay
        var configuration: DecisionConfiguration

        var logBytes: [UInt8] { log.flatMap { $0.encoded + [0x0A] } }
        var routing: [DecisionOutput.Record] { replay.outputs.flatMap(\.routing) }
        var audit: [DecisionOutput.Record] { replay.outputs.flatMap(\.audit) }

        static func bytes(_ records: [DecisionOutput.Record]) -> [UInt8] {
            records.flatMap { Array($0.key.utf8) + [0] + $0.value }
        }

        /// The digests file's text.
        var digests: String {
            """
            model_version \(configuration.modelVersion)
            ruleset_version \(configuration.rulesetVersion)
            log_events \(log.count)
            log_sha256 \(ContentVersion(of: logBytes).sha256)
            routing_records \(routing.count)
            routing_sha256 \(ContentVersion(of: Self.bytes(routing)).sha256)
            audit_records \(audit.count)
            audit_sha256 \(ContentVersion(of: Self.bytes(audit)).sha256)

            """
        }

        /// A few records of different shapes, by file name: chosen by what their
        /// bytes contain, the first in emission order.
        func samples() throws -> [(name: String, bytes: [UInt8])] {
            func first(
                _ records: [DecisionOutput.Record], _ what: String, containing needles: [String],
                excluding: [String] = []
            ) throws -> [UInt8] {
                let record = records.first { r in
                    let text = String(decoding: r.value, as: UTF8.self)
                    return needles.allSatisfy { text.contains($0) } && !excluding.contains { text.contains($0) }
                }
                return try #require(record, "no \(what) record in the golden scenario").value
            }
            return [
                ("routing-new.json", try first(routing, "new routing", containing: [#""change":"new""#])),
                ("routing-override.json", try first(routing, "override routing", containing: [#""change":"override""#])),
                ("routing-closed.json", try first(routing, "closed routing", containing: [#""queue":"closed""#])),
                (
                    "audit-lead.json",
                    try first(
                        audit, "lead audit", containing: [#""lead_id":"ld_"#, #""route_changed":true"#],
                        excluding: [#""further_decisions":[{"#])
                ),
                ("audit-further.json", try first(audit, "fan-out audit", containing: [#""further_decisions":[{"#])),
                ("audit-no-lead.json", try first(audit, "lead-less audit", containing: [#""lead_id":null"#])),
            ]
        }
    }

    /// The record schema versions a golden run writes; each combination is compared
    /// with its own committed files.
    struct Versions: Sendable, CustomTestStringConvertible {
        var audit: AuditSchema
        var routing: RoutingSchema

        /// Main's release before audit version 3, main's release with audit version 3,
        /// and the current defaults (routing version 2).
        static let all = [Versions(audit: .v2, routing: .v1), Versions(audit: .v3, routing: .v1), Versions(audit: .v3, routing: .v2)]

        /// The committed files' suffix: `digests<suffix>.txt`, `records<suffix>/`, `variant-digests<suffix>.txt`.
        var suffix: String { (audit == .v2 ? "" : "-v3") + (routing == .v1 ? "" : "-routing-v2") }

        var testDescription: String { "audit v\(audit.rawValue), routing v\(routing.rawValue)" }
    }

    static func outputs(_ schema: AuditSchema = .v3, routing: RoutingSchema = .v2) throws -> Outputs {
        var h = try mixedScenario()
        try seededLog(seed: 20_260_101, into: &h)
        let config = directory.appendingPathComponent("config")
        var configuration = try DecisionConfiguration.load(
            scoringConfig: config.appendingPathComponent("scoring.yaml"),
            routingRules: config.appendingPathComponent("routing.yaml"))
        configuration.auditSchema = schema
        configuration.routingSchema = routing
        var replay = Replay()
        replay.run(h.log[...], decider: Decider(configuration))
        return Outputs(log: h.log, replay: replay, configuration: configuration)
    }

    /// A seeded workload appended to `h`: accounts (some owned, some large), leads
    /// with titles, countries and lead sources of the frozen model's catalogue, web
    /// identifies and page views, email opens and clicks, CRM activities, an
    /// account change re-deciding its contacts, and lead updates.
    static func seededLog(seed: UInt64, into h: inout DecisionHarness) throws {
        var rng = SplitMix64(seed: seed)
        var now = EventTime.parseRFC3339("2024-05-01T08:00:00Z")!.milliseconds
        func time() -> String { EventTime(milliseconds: now).rfc3339 }
        let countries = ["US", "CA", "DE", "GB", "IN", "BR", "AU"]
        let titles = ["VP Marketing", "Student", "Unemployed", "Working Professional", "Director of IT", "CTO", "Engineer"]
        let sources = ["Google", "Direct Traffic", "Olark Chat", "Reference", "Welingak Website", "Organic Search"]
        let paths = ["/pricing", "/demo", "/docs/api", "/careers", "/blog/x", "/product"]
        let accounts = 6
        let leads = 40
        for a in 0..<accounts {
            let owner = a % 3 == 0 ? "rep-\(a + 1)" : nil
            try h.feed(.crm, accountUpsert("gacc-\(a)", domain: "g\(a).example", owner: owner, employees: 50 + rng.below(6000), at: time()))
        }
        for l in 0..<leads {
            now += 60_000
            let a = rng.below(accounts)
            let fields =
                #""email":"p\#(l)@g\#(a).example","title":"\#(titles[rng.below(titles.count)])","country":"\#(countries[rng.below(countries.count)])","lead_source":"\#(sources[rng.below(sources.count)])""#
            try h.feed(.crm, crmLead("G\(l)", at: time(), fields))
            try h.feed(.web, identify(user: "gu\(l)", email: "p\(l)@g\(a).example", at: time(), id: "gi\(l)"))
        }
        for k in 0..<160 {
            now += 30_000 + Int64(rng.below(600_000))
            let l = rng.below(leads)
            switch rng.below(10) {
            case 0..<5:
                try h.feed(.web, pageView(user: "gu\(l)", path: paths[rng.below(paths.count)], at: time(), id: "gp\(k)"))
            case 5..<7:
                let event = rng.below(2) == 0 ? "open" : "click"
                try h.feed(
                    .email,
                    #"{"email":"p\#(l)@g\#(l % accounts).example","timestamp":\#(now / 1000),"event":"\#(event)","url":"https://vendor.io/pricing","sg_event_id":"gs\#(k)"}"#
                )
            case 7:
                try h.feed(.crm, activity("G\(l)", email: "p\(l)@g\(l % accounts).example", kind: "call", at: time()))
            case 8:
                try h.feed(.crm, crmLead("G\(l)", at: time(), #""title":"\#(titles[rng.below(titles.count)])""#, type: "lead.updated"))
            default:
                let a = rng.below(accounts)
                try h.feed(
                    .crm,
                    accountUpsert(
                        "gacc-\(a)", domain: "g\(a).example", owner: "rep-\(rng.below(12) + 1)",
                        employees: 50 + rng.below(6000), at: time()))
            }
        }
    }

    /// Audit schema_version 2 with routing schema_version 1 against the digests and
    /// records of main's release from before audit version 3 (unchanged: such a range
    /// still re-derives byte for byte); audit version 3 with routing version 1 against
    /// main's release from before routing version 2 (`digests-v3.txt`, `records-v3/`);
    /// the current defaults against their own (`digests-v3-routing-v2.txt`, `records-v3-routing-v2/`).
    @Test("log, routing and audit bytes equal the committed golden digests and records", arguments: Versions.all)
    func goldenOutputs(versions: Versions) throws {
        let outputs = try Self.outputs(versions.audit, routing: versions.routing)
        let suffix = versions.suffix
        let digestsURL = Self.directory.appendingPathComponent("digests\(suffix).txt")
        let records = Self.directory.appendingPathComponent("records\(suffix)")
        if Self.regenerate {
            try FileManager.default.createDirectory(at: records, withIntermediateDirectories: true)
            try Data(outputs.digests.utf8).write(to: digestsURL)
            for sample in try outputs.samples() { try Data(sample.bytes).write(to: records.appendingPathComponent(sample.name)) }
        }
        let committed = try String(contentsOf: digestsURL, encoding: .utf8)
        #expect(outputs.digests == committed, "the scenario's outputs differ from Golden/digests.txt")
        for sample in try outputs.samples() {
            let expected = try Data(contentsOf: records.appendingPathComponent(sample.name))
            #expect(sample.bytes == Array(expected), "\(sample.name) differs:\n\(String(decoding: sample.bytes, as: UTF8.self))")
        }
    }

    @Test("audit schema_version 3 changes only the audit records: the log and routing bytes are those of version 2")
    func v3ChangesOnlyAudit() throws {
        let v2 = try Self.outputs(.v2)
        let v3 = try Self.outputs(.v3)
        #expect(v2.logBytes == v3.logBytes)
        #expect(Outputs.bytes(v2.routing) == Outputs.bytes(v3.routing))
        #expect(v2.audit.map(\.decisionID) == v3.audit.map(\.decisionID) && v2.audit.map(\.key) == v3.audit.map(\.key))
        #expect(v2.audit.map(\.value) != v3.audit.map(\.value))
    }

    @Test(
        "routing schema_version 2 changes only the routing records' reason kinds and version: the log, the audit records, the record keys and decision ids are those of version 1"
    )
    func routingV2ChangesOnlyRouting() throws {
        let v1 = try Self.outputs(.v3, routing: .v1)
        let v2 = try Self.outputs(.v3, routing: .v2)
        #expect(v1.logBytes == v2.logBytes)
        #expect(Outputs.bytes(v1.audit) == Outputs.bytes(v2.audit))
        #expect(v1.routing.map(\.decisionID) == v2.routing.map(\.decisionID) && v1.routing.map(\.key) == v2.routing.map(\.key))
        #expect(v1.routing.count == v2.routing.count && !v1.routing.isEmpty)
        for (old, new) in zip(v1.routing, v2.routing) {
            var decoded = try RoutingRecordCodec.decode(old.value)
            let upgraded = try RoutingRecordCodec.decode(new.value)
            #expect(decoded.schemaVersion == .v1 && upgraded.schemaVersion == .v2)
            // Decoded, the two versions are the same record: only the version differs.
            decoded.schemaVersion = .v2
            #expect(decoded == upgraded)
            #expect(RoutingRecordCodec.encode(decoded) == new.value)
        }
        let reasons = try v2.routing.flatMap { try RoutingRecordCodec.decode($0.value).reasons }
        #expect(Set(reasons.map(\.kind)) == [.feature, .rule, .disqualifier])
    }
}
