import Foundation
import Kafka
import LeadLedgerEngine
import TestSupport
import Testing

/// The command line as a Kafka user meets it: connection flags and their
/// precedence, secrets kept off the output, exit statuses, versions, JSON
/// reports validated against their schemas, and escaped terminal output.
/// Every test drives the `leadledger` executable.
@Suite("CLI conventions")
struct CLIConventionsTests {
    /// `-b`, `--bootstrap-server`, `--brokers` and `LEADLEDGER_BROKERS` name the
    /// same brokers; a client properties file's `bootstrap.servers` reaches every
    /// client, including the admin client `consume` uses to find partitions.
    @Test(.timeLimit(.minutes(3)))
    func brokerAliasesAndClientConfig() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-connection")
        let topic = uniqueName("cli-conn")
        let created = try await runCLI(["topics", "create", topic, "-b", brokers, "--partitions", "2", "--replication-factor", "1"], directory: directory, name: "create")
        #expect(created.status == 0, "\(created.stderr)")
        for (index, arguments) in [["-b", brokers], ["--bootstrap-server", brokers], ["--brokers", brokers]].enumerated() {
            let list = try await runCLI(["topics", "list"] + arguments, directory: directory, name: "list-\(index)")
            #expect(list.status == 0 && list.stdout.contains(topic), "\(arguments): \(list.stderr)")
        }
        let fromEnvironment = try await runCLI(["topics", "list"], directory: directory, name: "list-env", environment: ["LEADLEDGER_BROKERS": brokers])
        #expect(fromEnvironment.status == 0 && fromEnvironment.stdout.contains(topic), "\(fromEnvironment.stderr)")

        let properties = (directory as NSString).appendingPathComponent("client.properties")
        try "# the Kafka tools' format\nbootstrap.servers = \(brokers)\n\n! done\n".write(toFile: properties, atomically: true, encoding: .utf8)
        let produced = try await runCLI(["produce", "--topic", topic, "--client-config", properties, "--key-separator", ":"], directory: directory, name: "produce", input: "k1:v1\nk2:v2\n")
        #expect(produced.status == 0, "\(produced.stderr)")
        // No --partition: the admin client that finds the partitions gets the same settings.
        let consumed = try await runCLI(["consume", "--topic", topic, "--exit-at-end"], directory: directory, name: "consume", environment: ["LEADLEDGER_CLIENT_CONFIG": properties])
        #expect(consumed.status == 0, "\(consumed.stderr)")
        #expect(consumed.stdout.split(separator: "\n").count == 2 && consumed.stdout.contains("k1\tv1"), "\(consumed.stdout)")
    }

    /// `-X` over `LEADLEDGER_KAFKA_<KEY>` over `--client-config` over the YAML
    /// `properties:`, observed through a property whose wrong value stops a
    /// client; the rejected value (planted like a password) is never printed,
    /// only its key.
    @Test(.timeLimit(.minutes(3)))
    func propertyPrecedenceAndNoSecretsInOutput() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-precedence")
        let planted = "Planted-\(UInt32.random(in: 0...UInt32.max))-Secret"
        func noSecret(_ result: (status: Int32, stdout: String, stderr: String), _ what: String) {
            #expect(!result.stdout.contains(planted) && !result.stderr.contains(planted), "\(what) printed the planted value: \(result.stderr)")
        }
        let bad = (directory as NSString).appendingPathComponent("bad.properties")
        try "bootstrap.servers=\(brokers)\nsecurity.protocol=\(planted)\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let good = (directory as NSString).appendingPathComponent("good.properties")
        try "bootstrap.servers=\(brokers)\nsecurity.protocol=plaintext\n".write(toFile: good, atomically: true, encoding: .utf8)

        let fileOnly = try await runCLI(["topics", "list", "--client-config", bad], directory: directory, name: "file-bad")
        #expect(fileOnly.status == 3 && fileOnly.stderr.contains("security.protocol"), "\(fileOnly.stderr)")
        noSecret(fileOnly, "a rejected file property")

        let environmentWins = try await runCLI(["topics", "list", "--client-config", bad], directory: directory, name: "env-over-file",
                                               environment: ["LEADLEDGER_KAFKA_SECURITY_PROTOCOL": "plaintext"])
        #expect(environmentWins.status == 0, "\(environmentWins.stderr)")

        let flagWins = try await runCLI(["topics", "list", "--client-config", good, "-X", "security.protocol=\(planted)"], directory: directory, name: "flag-over-env",
                                        environment: ["LEADLEDGER_KAFKA_SECURITY_PROTOCOL": "plaintext"])
        #expect(flagWins.status == 3 && flagWins.stderr.contains("security.protocol"), "\(flagWins.stderr)")
        noSecret(flagWins, "a rejected -X property")

        // The YAML properties: lowest of the configured layers.
        let suffix = uniqueName("prec")
        let config = try writeConfiguration(directory: directory, brokers: "127.0.0.1:1", suffix: suffix)
        try (try String(contentsOfFile: config, encoding: .utf8) + "\nproperties: { \"security.protocol\": \"\(planted)\" }\n").write(toFile: config, atomically: true, encoding: .utf8)
        let yamlOnly = try await runCLI(["generate", "--config", config, "--events", "0", "-b", brokers], directory: directory, name: "yaml-bad")
        #expect(yamlOnly.status == 3 && yamlOnly.stderr.contains("security.protocol"), "\(yamlOnly.stderr)")
        noSecret(yamlOnly, "a rejected YAML property")
        let fileOverYAML = try await runCLI(["generate", "--config", config, "--events", "0", "--client-config", good], directory: directory, name: "file-over-yaml")
        #expect(fileOverYAML.status == 0, "\(fileOverYAML.stderr)")

        // A Java-only property of a Kafka tools file: refused by name, its value (a password) unprinted.
        let jaas = (directory as NSString).appendingPathComponent("jaas.properties")
        try "bootstrap.servers=\(brokers)\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"\(planted)\";\n"
            .write(toFile: jaas, atomically: true, encoding: .utf8)
        let java = try await runCLI(["topics", "list", "--client-config", jaas], directory: directory, name: "jaas")
        #expect(java.status == 3 && java.stderr.contains("sasl.jaas.config"), "\(java.stderr)")
        noSecret(java, "a rejected JAAS line")
        let malformed = try await runCLI(["topics", "list", "-b", brokers, "-X", planted], directory: directory, name: "malformed")
        #expect(malformed.status == 2 && malformed.stderr.contains("property #1 is not key=value"), "\(malformed.stderr)")
        noSecret(malformed, "a malformed -X")
    }

    /// 0 success, 1 a check that found differences (here `lag --wait` timing out),
    /// 2 a usage error with the usage, 3 a runtime error with one line and no usage.
    @Test(.timeLimit(.minutes(3)))
    func exitStatuses() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-exit")
        let unknownFlag = try await runCLI(["topics", "list", "-b", brokers, "--no-such-flag"], directory: directory, name: "unknown-flag")
        #expect(unknownFlag.status == 2 && unknownFlag.stderr.contains("Usage:"), "\(unknownFlag.status) \(unknownFlag.stderr)")
        let level = try await runCLI(["topics", "list", "-b", brokers, "--log-level", "verbose"], directory: directory, name: "log-level")
        #expect(level.status == 2 && level.stderr.contains("- warning") && level.stderr.contains("- critical"), "\(level.status) \(level.stderr)")

        let missing = try await runCLI(["consume", "-b", brokers, "--topic", uniqueName("no-such-topic"), "--exit-at-end"], directory: directory, name: "missing-topic")
        #expect(missing.status == 3, "\(missing.status) \(missing.stderr)")
        #expect(missing.stderr.contains("does it exist") && !missing.stderr.contains("Usage"), "\(missing.stderr)")
        #expect(missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")

        let undelivered = try await runCLI(["produce", "-b", "127.0.0.1:1", "--topic", "t", "-X", "message.timeout.ms=1500"], directory: directory, name: "undelivered", input: "one\n")
        #expect(undelivered.status == 3 && undelivered.stderr.contains("delivery failed") && !undelivered.stderr.contains("Usage"), "\(undelivered.status) \(undelivered.stderr)")

        let suffix = uniqueName("exit")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let generated = try await runCLI(["generate", "--config", config, "--events", "20"], directory: directory, name: "generate")
        #expect(generated.status == 0, "\(generated.stderr)")
        let lag = try await runCLI(["lag", "--config", config, "--wait", "--timeout", "1", "--interval", "0.5"], directory: directory, name: "lag")
        #expect(lag.status == 1 && lag.stdout.contains("records behind after"), "\(lag.status) \(lag.stdout) \(lag.stderr)")
        let once = try await runCLI(["lag", "--config", config], directory: directory, name: "lag-once")
        #expect(once.status == 0 && once.stdout.contains("20 behind"), "\(once.status) \(once.stdout) \(once.stderr)")
    }

    /// `--version` is exactly `leadledger X.Y.Z (librdkafka A.B.C)`; `--help` lists the
    /// exit statuses; a librdkafka older than 2.2 (simulated with the test-only
    /// `LEADLEDGER_TEST_LIBRDKAFKA_VERSION`) is refused at start, status 3.
    @Test(.timeLimit(.minutes(1)))
    func versionHelpAndOldLibrdkafka() async throws {
        let directory = try makeTemporaryDirectory("cli-version")
        let version = try await runCLI(["--version"], directory: directory, name: "version")
        #expect(version.status == 0)
        #expect(version.stdout.wholeMatch(of: /leadledger \d+\.\d+\.\d+ \(librdkafka \d+\.\d+\.\d+\)\n/) != nil, "\(version.stdout)")
        #expect(version.stdout.contains("(librdkafka \(LibrdkafkaVersion.linked))"), "\(version.stdout)")
        let help = try await runCLI(["--help"], directory: directory, name: "help")
        #expect(help.status == 0 && help.stdout.contains("EXIT STATUS") && help.stdout.contains("3  runtime error"), "\(help.stdout)")

        let old = try await runCLI(["topics", "list"], directory: directory, name: "old", environment: ["LEADLEDGER_TEST_LIBRDKAFKA_VERSION": "2.0.2"])
        #expect(old.status == 3 && old.stderr.contains("librdkafka 2.0.2 is too old") && old.stderr.contains("2.2"), "\(old.status) \(old.stderr)")
        let new = try await runCLI(["--version"], directory: directory, name: "new", environment: ["LEADLEDGER_TEST_LIBRDKAFKA_VERSION": "2.3.0"])
        #expect(new.status == 0 && new.stdout.hasSuffix("(librdkafka 2.3.0)\n"), "\(new.stdout)")
    }

    /// One vocabulary: `--max-messages` for `watch` as for `consume` (the old `--max`
    /// still works, hidden); `topics create --topic-config` (kafka-topics' `--config`
    /// still works, hidden) and the broker's default replication factor when none is
    /// given; `run` accepts `--log-level warning`.
    @Test(.timeLimit(.minutes(2)))
    func vocabulary() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-vocabulary")
        let watchHelp = try await runCLI(["watch", "--help"], directory: directory, name: "watch-help")
        #expect(watchHelp.status == 0 && watchHelp.stdout.contains("--max-messages") && !watchHelp.stdout.contains("--max <"), "\(watchHelp.stdout)")
        let both = try await runCLI(["watch", "-b", brokers, "--max", "1", "--max-messages", "1"], directory: directory, name: "watch-both")
        #expect(both.status == 2, "\(both.stderr)")
        let createHelp = try await runCLI(["topics", "create", "--help"], directory: directory, name: "create-help")
        #expect(createHelp.stdout.contains("--topic-config") && !createHelp.stdout.contains("--config <"), "\(createHelp.stdout)")

        let topic = uniqueName("cli-vocab")
        let created = try await runCLI(["topics", "create", topic, "-b", brokers, "--partitions", "2", "--topic-config", "retention.ms=-1"], directory: directory, name: "create")
        #expect(created.status == 0 && created.stdout.contains("created topic \(topic)"), "\(created.stderr)")
        let legacy = try await runCLI(["topics", "create", topic + "-legacy", "-b", brokers, "--config", "retention.ms=-1", "--replication-factor=-1"], directory: directory, name: "create-legacy")
        #expect(legacy.status == 0, "\(legacy.stderr)")
        let again = try await runCLI(["topics", "create", topic, "-b", brokers], directory: directory, name: "create-again")
        #expect(again.status == 3 && again.stderr.contains(topic), "\(again.status) \(again.stderr)")

        let suffix = uniqueName("vocab")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let run = try await runCLI(["run", "--config", config, "--log-level", "warning", "--scoring-config", directory + "/no-such-scoring.yaml"], directory: directory, name: "run-warning")
        #expect(run.status == 3 && run.stderr.contains("no-such-scoring.yaml"), "\(run.status) \(run.stderr)")
    }
}
