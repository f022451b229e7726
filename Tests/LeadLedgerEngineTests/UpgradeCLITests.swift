import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

/// An in-place upgrade from the previous release (docs/contracts.md,
/// compatibility policy).
///
/// `Fixtures/upgrade-0.7.0` is what that release's `leadledger` binary left
/// behind after processing a seeded workload (`scripts/upgrade-fixture`): every
/// record of every topic, its consumer groups' committed offsets, its
/// configuration files and its state directory. The test puts the records back
/// on a broker of its own, exactly (same partitions, offsets, keys, headers and
/// timestamps), commits the same offsets, adds new input, and runs this build's
/// `leadledger run` on the old state directory, as an operator replacing the
/// binary does. The policy says what must hold: offsets and lead ids are kept,
/// nothing already processed is processed again, no lead is re-routed by the
/// upgrade itself, and both the old range and the new one verify.
@Suite(.serialized)
struct UpgradeCLITests {
    static let fixture = repoRoot.appendingPathComponent("Tests/LeadLedgerEngineTests/Fixtures/upgrade-0.7.0")

    /// The fixture's topic names are fixed, so it gets a broker of its own:
    /// `$LEADLEDGER_TEST_BROKER_PORT + 3` (+ 1 is the outage test's, + 2 the
    /// chaos test's), else 19613.
    static let port: Int = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_BROKER_PORT"].flatMap { Int($0) }.map { $0 + 3 } ?? 19613

    /// How `audit verify` re-derives what the release wrote: its record schema versions
    /// (audit 3, routing 1) where they differ from this build's defaults.
    static let releaseSchemaFlags = ["--routing-schema-version", "1"]

    /// The fixture's topics (`upgrade.<name>`) with their partition counts, as its configuration sets them.
    static let topics: [(name: String, partitions: Int32)] = [
        ("crm", 2), ("web", 2), ("email", 2), ("identity", 1), ("events", 2), ("routing", 2), ("audit", 2), ("dlq", 2),
        ("control", 1), ("models", 1),
    ]

    @Test(.timeLimit(.minutes(4)))
    func upgradeKeepsOffsetsLeadIDsAndRoutes() async throws {
        let old = try FixtureTopics(directory: Self.fixture.appendingPathComponent("topics"))
        let committed = try JSONDecoder().decode(
            FixtureLag.self, from: Data(contentsOf: Self.fixture.appendingPathComponent("lag.json")))

        try await TestBroker.stop(port: Self.port)
        try await TestBroker.start(port: Self.port)
        defer { TestBroker.stopInBackground(port: Self.port) }
        let brokers = "127.0.0.1:\(Self.port)"

        // The operator's files: the configuration (pointed at this broker) and the state directory.
        let directory = try makeTemporaryDirectory("upgrade")
        let files = FileManager.default
        for name in try files.contentsOfDirectory(atPath: Self.fixture.appendingPathComponent("config").path) {
            try files.copyItem(
                atPath: Self.fixture.appendingPathComponent("config/\(name)").path, toPath: directory + "/" + name)
        }
        let config = directory + "/leadledger.yaml"
        let yaml = try String(contentsOfFile: config, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                // The broker of this test; the scoring and routing files beside the configuration.
                if line.hasPrefix("brokers:") { return "brokers: \(brokers)" }
                if line.hasPrefix("scoring_file:") { return "scoring_file: \(directory)/scoring.yaml" }
                if line.hasPrefix("routing_file:") { return "routing_file: \(directory)/routing.yaml" }
                return String(line)
            }
            .joined(separator: "\n")
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        let state = directory + "/state"
        try files.copyItem(atPath: Self.fixture.appendingPathComponent("state").path, toPath: state)

        // The topics as the release created them, then every record back at its offset.
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        try await old.restore(brokers: brokers)
        for stage in committed.stages {
            try await commit(group: stage.group, stage.partitions, brokers: brokers)
        }

        // New input: a person the release resolved comes back; a new person arrives.
        let returning = try #require(
            try old.returningPerson(), "the fixture has a routed lead with an email that was never erased or merged")
        let newEmail = "nora.newcomer@globex-upgrade.com"
        let input = [
            (
                key: "00T-up-1",
                value:
                    #"{"event_id":"crm-up-1","type":"activity.logged","occurred_at":"2026-11-02T06:00:00Z","source":"salesforce","record_id":"00T-up-1","activity":{"kind":"meeting","email":"\#(returning.email)","outcome":"positive"}}"#
            ),
            (
                key: "00Q-up-2",
                value:
                    #"{"event_id":"crm-up-2","type":"lead.created","occurred_at":"2026-11-02T06:05:00Z","source":"salesforce","record_id":"00Q-up-2","lead":{"email":"\#(newEmail)","first_name":"Nora","last_name":"Newcomer","title":"VP Sales","company":"Globex"}}"#
            ),
        ]
        try await produce("upgrade.crm", input, brokers: brokers, partition: 0)

        let run = try CLIProcess(
            ["run", "--config", config, "--state-directory", state, "--no-http"], directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "120"], directory: directory, name: "lag", seconds: 150)
        #expect(
            lag.status == 0 && lag.stdout.contains("lag: caught up"), "\(lag.stdout)\(lag.stderr)\nrun: \(run.stderr.suffix(3000))")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(3000))")
        #expect(
            !run.stderr.contains("STATE DIRECTORY FROM ANOTHER LOG"), "the release's snapshots were discarded: \(run.stderr.suffix(3000))")
        // ... and restored: none was skipped for its format or failed to decode.
        #expect(!run.stderr.contains("ignoring snapshot"), "a snapshot of the release was not restored: \(run.stderr.suffix(3000))")

        var now: [String: [LogRecord]] = [:]
        for topic in Self.topics {
            now[topic.name] = try await readAll("upgrade.\(topic.name)", partitions: topic.partitions, brokers: brokers)
        }
        /// Records after the fixture's end of their partition: what the upgraded binary wrote.
        func written(_ topic: String) -> [LogRecord] {
            (now[topic] ?? []).filter { $0.offset >= old.end(topic, $0.partition) }
        }

        // Nothing already validated or resolved is resolved again: the repartition
        // topic gained exactly the two new messages.
        let repartitioned = written("identity")
        #expect(repartitioned.count == 2, "repartition records after the upgrade: \(repartitioned.count)")

        // The log gained the new messages' events only (no second bootstrap activation either).
        let crmEnd = old.end("crm", 0)
        let events = try written("events").map { record in
            (record: record, event: try #require(try record.canonicalEvent(), "a record after the upgrade is not an event: \(record)"))
        }
        #expect(!events.isEmpty)
        for (record, event) in events {
            let source = event.lineage.position
            #expect(
                source.topic == "upgrade.crm" && source.partition == 0 && source.offset >= crmEnd,
                "log \(record.partition)@\(record.offset) comes from \(source), not from the new input")
        }

        // Lead ids are kept: the returning person is the lead the release made; the newcomer is new.
        let leadIDs = Set(events.compactMap { $0.event.leadID?.description })
        #expect(leadIDs.contains(returning.leadID), "the returning person's events name \(leadIDs), not \(returning.leadID)")
        let known = old.leadIDs()
        #expect(leadIDs.subtracting([returning.leadID]).allSatisfy { !known.contains($0) })

        // One audit record per new log event, and none for an event the release had decided.
        let expectedAudit = Set(
            events.map { DecisionID.make(partition: $0.record.partition, offset: $0.record.offset, kind: "audit").text })
        let audit = written("audit").compactMap(decisionID)
        #expect(audit.count == events.count && Set(audit) == expectedAudit, "audit ids \(audit), expected \(expectedAudit)")

        // No storm of re-routing: every route change after the upgrade comes from a new event.
        let newPositions = Set(events.map { "\($0.record.partition)@\($0.record.offset)" })
        for record in written("routing") {
            let route = try JSONDecoder().decode(RouteLineage.self, from: Data(record.value))
            #expect(
                newPositions.contains("\(route.lineage.log.partition)@\(route.lineage.log.offset)"),
                "routing \(record.partition)@\(record.offset) was caused by log \(route.lineage.log), an event from before the upgrade")
        }

        // Both ranges verify: the release's records and the upgraded binary's.
        for partition in Int32(0)..<2 {
            let end = old.end("events", partition)
            let before = try await runCLI(
                [
                    "audit", "verify", "--config", config, "--partition", String(partition), "--to-offset", String(end - 1),
                ] + Self.releaseSchemaFlags,
                directory: directory, name: "verify-old-\(partition)")
            #expect(before.status == 0, "partition \(partition) before the upgrade:\n\(before.stdout.suffix(2000))\(before.stderr)")
            if events.contains(where: { $0.record.partition == partition }) {
                let after = try await runCLI(
                    ["audit", "verify", "--config", config, "--partition", String(partition), "--from-offset", String(end)],
                    directory: directory, name: "verify-new-\(partition)")
                #expect(after.status == 0, "partition \(partition) after the upgrade:\n\(after.stdout.suffix(2000))\(after.stderr)")
            }
        }
    }

    private func commit(group: String, _ partitions: [FixtureLag.Position], brokers: String) async throws {
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: group, clientID: "upgrade-test"),
            logger: testLogger)
        try await consumer.commit(
            partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: .offset($0.committed)) })
        await consumer.close()
    }
}

/// The part of a routing record this test reads: which log event caused it.
private struct RouteLineage: Decodable {
    struct Log: Decodable, CustomStringConvertible {
        var partition: Int32
        var offset: Int64
        var description: String { "\(partition)@\(offset)" }
    }
    struct Lineage: Decodable { var log: Log }
    var lineage: Lineage
}

/// `lag --format json` as the release printed it: each stage's group and committed offsets.
private struct FixtureLag: Decodable {
    struct Position: Decodable {
        var topic: String
        var partition: Int32
        var committed: Int64
    }
    struct Stage: Decodable {
        var group: String
        var partitions: [Position]
    }
    var stages: [Stage]
}

/// The fixture's records, one file per topic as `consume --format jsonl` printed them.
private struct FixtureTopics {
    /// One line of `consume --format jsonl` (schemas/cli/consume.schema.json).
    struct Line: Decodable {
        struct Header: Decodable {
            var key: String
            var value: String?
            var valueEncoding: String?
        }
        var topic: String
        var partition: Int32
        var offset: Int64
        var key: String?
        var keyEncoding: String?
        var value: String
        var valueEncoding: String
        var headers: [Header]
        var timestamp: Int64?

        static func bytes(_ text: String?, _ encoding: String?) throws -> [UInt8]? {
            guard let text else { return nil }
            if encoding == "base64" {
                guard let data = Data(base64Encoded: text) else { throw TestFailure("bad base64 in the fixture") }
                return [UInt8](data)
            }
            return Array(text.utf8)
        }

        func message() throws -> KafkaProducerMessage {
            KafkaProducerMessage(
                topic: topic, partition: partition, key: try Self.bytes(key, keyEncoding),
                value: try Self.bytes(value, valueEncoding) ?? [],
                headers: try headers.map { KafkaHeader(key: $0.key, value: try Self.bytes($0.value, $0.valueEncoding)) },
                timestampMilliseconds: timestamp)
        }
    }

    /// The routing record fields that identify a person.
    struct Route: Decodable {
        var leadID: String
        var emails: [String]
        var change: String
        enum CodingKeys: String, CodingKey {
            case leadID = "lead_id"
            case emails, change
        }
    }

    /// Reads `consume`'s snake_case keys into the camelCase properties.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Per topic name (`crm`, `events`, …), its lines in partition and offset order.
    let lines: [String: [Line]]

    init(directory: URL) throws {
        var lines: [String: [Line]] = [:]
        for (name, _) in UpgradeCLITests.topics {
            let text = try String(contentsOf: directory.appendingPathComponent("upgrade.\(name).jsonl"), encoding: .utf8)
            lines[name] = try text.split(separator: "\n").map { try FixtureTopics.decoder.decode(Line.self, from: Data($0.utf8)) }
                .sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        }
        self.lines = lines
    }

    /// The offset after the fixture's last record of a partition (0 when it had none).
    func end(_ topic: String, _ partition: Int32) -> Int64 {
        (lines[topic] ?? []).filter { $0.partition == partition }.map { $0.offset + 1 }.max() ?? 0
    }

    /// Produces every record to its partition, one at a time, and checks it lands at its old offset.
    func restore(brokers: String) async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "upgrade-test"), logger: testLogger)
        for (_, topicLines) in lines.sorted(by: { $0.key < $1.key }) {
            for line in topicLines {
                let report = try await producer.send(try line.message())
                guard report.offset == line.offset else {
                    await producer.close()
                    throw TestFailure("\(line.topic)[\(line.partition)] record \(line.offset) landed at \(report.offset)")
                }
            }
        }
        await producer.close()
    }

    /// The routing records of the release.
    func routes() throws -> [Route] {
        try (lines["routing"] ?? []).map { try JSONDecoder().decode(Route.self, from: Data($0.value.utf8)) }
    }

    /// Every lead id the release's routing records name.
    func leadIDs() -> Set<String> {
        Set(((try? routes()) ?? []).map(\.leadID))
    }

    /// A lead the release routed with an email, whose route was never closed by an erasure or a merge.
    func returningPerson() throws -> (email: String, leadID: String)? {
        let routes = try routes()
        let closed = Set(routes.filter { $0.change == "erased" || $0.change == "merged" }.map(\.leadID))
        let candidate = routes.first { !$0.emails.isEmpty && !closed.contains($0.leadID) }
        return candidate.map { (email: $0.emails[0], leadID: $0.leadID) }
    }
}
