import Foundation
import Kafka
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Canonical log retention")
struct LogRetentionTests {
    @Test("finite retention.ms or retention.bytes, or compaction, is named; -1 and delete are not")
    func reasons() {
        #expect(LogRetention(configs: ["retention.ms": "-1", "cleanup.policy": "delete"]).finiteReason == nil)
        #expect(LogRetention(configs: ["retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete"]).unreported.isEmpty)
        #expect(LogRetention(configs: ["retention.ms": "604800000", "cleanup.policy": "delete"]).finiteReason == "retention.ms=604800000")
        #expect(
            LogRetention(configs: ["retention.ms": "-1", "cleanup.policy": "compact,delete"]).finiteReason
                == "cleanup.policy=compact,delete")
        #expect(LogRetention(configs: ["retention.bytes": "1073741824"]).finiteReason == "retention.bytes=1073741824")
        #expect(LogRetention(configs: [:]).finiteReason == nil)
        #expect(LogRetention(configs: [:]).unreported == ["retention.ms", "cleanup.policy"])
    }

    /// `run` on a canonical log created with a finite retention exits non-zero with a
    /// one-line cause; with `--allow-finite-log-retention` it runs (and stops on SIGTERM).
    @Test(.timeLimit(.minutes(3)))
    func runRefusesFiniteLogRetention() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("retention")
        let suffix = uniqueName("rt")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: testLogger)
        let created = try await admin.createTopics([
            KafkaNewTopic(name: "events-\(suffix)", partitions: 4, configs: ["retention.ms": "86400000", "cleanup.policy": "delete"])
        ])
        await admin.close()
        #expect(created["events-\(suffix)"] ?? nil == nil)

        let refused = try await runCLI(
            ["run", "--config", config, "--state-directory", directory + "/state"], directory: directory, name: "refused", seconds: 60)
        #expect(refused.status != 0)
        #expect(refused.status == 1, "a refusing check exits 1")
        let cause = refused.stderr.split(separator: "\n").filter { $0.contains("finite_log_retention") }
        #expect(
            cause.count == 1 && cause[0].contains("retention.ms=86400000") && cause[0].contains("--allow-finite-log-retention"),
            "\(refused.stderr.suffix(2000))")

        let allowed = try CLIProcess(
            ["run", "--config", config, "--state-directory", directory + "/state", "--allow-finite-log-retention", "--log-level", "info"],
            directory: directory, name: "allowed")
        defer { allowed.signal(SIGKILL) }
        try await eventually(60, "the stages joined their groups") { allowed.stderr.contains("stage materialize: joined group") }
        #expect(allowed.process.isRunning)
        #expect(allowed.stderr.contains("retention.ms=86400000"), "the warning names the setting")
        allowed.signal(SIGTERM)
        #expect(try await allowed.wait(seconds: 60) == 0, "\(allowed.stderr.suffix(2000))")
    }

    /// `run` on a canonical log whose partition count differs from `partitions.events`
    /// exits 3 with one line naming the setting and the topic's count (the identity
    /// stage places each event by its key's hash among that many partitions).
    @Test(.timeLimit(.minutes(5)))
    func runRefusesALogWithAnotherPartitionCount() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("logcount")
        let suffix = uniqueName("lc")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: testLogger)
        let created = try await admin.createTopics([
            KafkaNewTopic(name: "events-\(suffix)", partitions: 2, configs: ["retention.ms": "-1", "cleanup.policy": "delete"])
        ])
        await admin.close()
        #expect(created["events-\(suffix)"] ?? nil == nil)

        let refused = try await runCLI(
            ["run", "--config", config, "--state-directory", directory + "/state"], directory: directory, name: "refused", seconds: 60)
        #expect(refused.status == 3, "\(refused.stderr.suffix(2000))")
        let cause = refused.stderr.split(separator: "\n").filter { $0.contains("invalid_configuration") }
        #expect(
            cause.count == 1 && cause[0].contains("partitions.events is 4") && cause[0].contains("events-\(suffix) has 2 partitions"),
            "\(refused.stderr.suffix(2000))")
    }

    /// The topics `generate` creates carry their retentions explicitly (read back
    /// with DescribeConfigs: Tansu reports only creation-time configs): the
    /// file's `retention:` values, the defaults for the rest, forever for the log
    /// and the audit topic.
    @Test(.timeLimit(.minutes(5)))
    func createdTopicsCarryTheirRetentions() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("retention-create")
        let suffix = uniqueName("rc")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        try ("\nretention: { routing: 2d, identity: 12h }\n").appendLine(toFile: config)
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: testLogger)
        var found: [String: String] = [:]
        for topic in ["routing", "identity", "dlq", "crm", "events", "audit"] {
            found[topic] = try await admin.describeTopicConfigs("\(topic)-\(suffix)")["retention.ms"]
        }
        await admin.close()
        #expect(
            found == [
                "routing": "172800000", "identity": "43200000", "dlq": "604800000", "crm": "604800000", "events": "-1", "audit": "-1",
            ])
    }
}

extension String {
    /// Appends the string to the file at `path`.
    fileprivate func appendLine(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
