// The JSON mirror types below keep the reports' snake_case member names.
// swift-format-ignore-file: AlwaysUseLowerCamelCase

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
        let created = try await runCLI(
            ["topics", "create", topic, "-b", brokers, "--partitions", "2", "--replication-factor", "1"], directory: directory,
            name: "create")
        #expect(created.status == 0, "\(created.stderr)")
        for (index, arguments) in [["-b", brokers], ["--bootstrap-server", brokers], ["--brokers", brokers]].enumerated() {
            let list = try await runCLI(["topics", "list"] + arguments, directory: directory, name: "list-\(index)")
            #expect(list.status == 0 && list.stdout.contains(topic), "\(arguments): \(list.stderr)")
        }
        let fromEnvironment = try await runCLI(
            ["topics", "list"], directory: directory, name: "list-env", environment: ["LEADLEDGER_BROKERS": brokers])
        #expect(fromEnvironment.status == 0 && fromEnvironment.stdout.contains(topic), "\(fromEnvironment.stderr)")

        let properties = (directory as NSString).appendingPathComponent("client.properties")
        try "# the Kafka tools' format\nbootstrap.servers = \(brokers)\n\n! done\n".write(
            toFile: properties, atomically: true, encoding: .utf8)
        let produced = try await runCLI(
            ["produce", "--topic", topic, "--client-config", properties, "--key-separator", ":"], directory: directory, name: "produce",
            input: "k1:v1\nk2:v2\n")
        #expect(produced.status == 0, "\(produced.stderr)")
        // No --partition: the admin client that finds the partitions gets the same settings.
        let consumed = try await runCLI(
            ["consume", "--topic", topic, "--exit-at-end"], directory: directory, name: "consume",
            environment: ["LEADLEDGER_CLIENT_CONFIG": properties])
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
            #expect(
                !result.stdout.contains(planted) && !result.stderr.contains(planted), "\(what) printed the planted value: \(result.stderr)")
        }
        let bad = (directory as NSString).appendingPathComponent("bad.properties")
        try "bootstrap.servers=\(brokers)\nsecurity.protocol=\(planted)\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let good = (directory as NSString).appendingPathComponent("good.properties")
        try "bootstrap.servers=\(brokers)\nsecurity.protocol=plaintext\n".write(toFile: good, atomically: true, encoding: .utf8)

        let fileOnly = try await runCLI(["topics", "list", "--client-config", bad], directory: directory, name: "file-bad")
        #expect(fileOnly.status == 3 && fileOnly.stderr.contains("security.protocol"), "\(fileOnly.stderr)")
        noSecret(fileOnly, "a rejected file property")

        let environmentWins = try await runCLI(
            ["topics", "list", "--client-config", bad], directory: directory, name: "env-over-file",
            environment: ["LEADLEDGER_KAFKA_SECURITY_PROTOCOL": "plaintext"])
        #expect(environmentWins.status == 0, "\(environmentWins.stderr)")

        let flagWins = try await runCLI(
            ["topics", "list", "--client-config", good, "-X", "security.protocol=\(planted)"], directory: directory, name: "flag-over-env",
            environment: ["LEADLEDGER_KAFKA_SECURITY_PROTOCOL": "plaintext"])
        #expect(flagWins.status == 3 && flagWins.stderr.contains("security.protocol"), "\(flagWins.stderr)")
        noSecret(flagWins, "a rejected -X property")

        // The YAML properties: lowest of the configured layers.
        let suffix = uniqueName("prec")
        let config = try writeConfiguration(directory: directory, brokers: "127.0.0.1:1", suffix: suffix)
        try (try String(contentsOfFile: config, encoding: .utf8) + "\nproperties: { \"security.protocol\": \"\(planted)\" }\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        let yamlOnly = try await runCLI(
            ["generate", "--config", config, "--events", "0", "-b", brokers], directory: directory, name: "yaml-bad")
        #expect(yamlOnly.status == 3 && yamlOnly.stderr.contains("security.protocol"), "\(yamlOnly.stderr)")
        noSecret(yamlOnly, "a rejected YAML property")
        let fileOverYAML = try await runCLI(
            ["generate", "--config", config, "--events", "0", "--client-config", good], directory: directory, name: "file-over-yaml")
        #expect(fileOverYAML.status == 0, "\(fileOverYAML.stderr)")

        // A Java-only property of a Kafka tools file: refused by name, its value (a password) unprinted.
        let jaas = (directory as NSString).appendingPathComponent("jaas.properties")
        try
            "bootstrap.servers=\(brokers)\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"\(planted)\";\n"
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
        #expect(
            level.status == 2 && level.stderr.contains("- warning") && level.stderr.contains("- critical"),
            "\(level.status) \(level.stderr)")

        let missing = try await runCLI(
            ["consume", "-b", brokers, "--topic", uniqueName("no-such-topic"), "--exit-at-end"], directory: directory, name: "missing-topic"
        )
        #expect(missing.status == 3, "\(missing.status) \(missing.stderr)")
        #expect(missing.stderr.contains("does it exist") && !missing.stderr.contains("Usage"), "\(missing.stderr)")
        #expect(missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")

        // Nothing listens on port 1: the metadata request fails after the admin timeout (30 s).
        let unreachable = try await runCLI(
            ["topics", "list", "-b", "127.0.0.1:1", "--log-level", "critical"], directory: directory, name: "unreachable")
        #expect(
            unreachable.status == 3 && unreachable.stderr.hasPrefix("leadledger: error: ")
                && unreachable.stderr.split(separator: "\n").count == 1, "\(unreachable.status) \(unreachable.stderr)")

        let undelivered = try await runCLI(
            ["produce", "-b", "127.0.0.1:1", "--topic", "t", "-X", "message.timeout.ms=1500"], directory: directory, name: "undelivered",
            input: "one\n")
        #expect(
            undelivered.status == 3 && undelivered.stderr.contains("delivery failed") && !undelivered.stderr.contains("Usage"),
            "\(undelivered.status) \(undelivered.stderr)")

        let suffix = uniqueName("exit")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let generated = try await runCLI(["generate", "--config", config, "--events", "20"], directory: directory, name: "generate")
        #expect(generated.status == 0, "\(generated.stderr)")
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "1", "--interval", "0.5"], directory: directory, name: "lag")
        #expect(lag.status == 1 && lag.stdout.contains("records behind after"), "\(lag.status) \(lag.stdout) \(lag.stderr)")
        let once = try await runCLI(["lag", "--config", config], directory: directory, name: "lag-once")
        #expect(once.status == 0 && once.stdout.contains("20 behind"), "\(once.status) \(once.stdout) \(once.stderr)")
    }

    /// `--version` is exactly `leadledger X.Y.Z (librdkafka A.B.C)`; `--help` lists the
    /// exit statuses; a librdkafka older than 2.2 (simulated with the test-only
    /// `LEADLEDGER_TEST_LIBRDKAFKA_VERSION`) is refused at start, status 3.
    @Test(.timeLimit(.minutes(3)))
    func versionHelpAndOldLibrdkafka() async throws {
        let directory = try makeTemporaryDirectory("cli-version")
        let version = try await runCLI(["--version"], directory: directory, name: "version")
        #expect(version.status == 0)
        #expect(version.stdout.wholeMatch(of: /leadledger \d+\.\d+\.\d+ \(librdkafka \d+\.\d+\.\d+\)\n/) != nil, "\(version.stdout)")
        #expect(version.stdout.contains("(librdkafka \(LibrdkafkaVersion.linked))"), "\(version.stdout)")
        let help = try await runCLI(["--help"], directory: directory, name: "help")
        #expect(help.status == 0 && help.stdout.contains("EXIT STATUS") && help.stdout.contains("3  runtime error"), "\(help.stdout)")

        let old = try await runCLI(
            ["topics", "list"], directory: directory, name: "old", environment: ["LEADLEDGER_TEST_LIBRDKAFKA_VERSION": "2.0.2"])
        #expect(
            old.status == 3 && old.stderr.contains("librdkafka 2.0.2 is too old") && old.stderr.contains("2.2"),
            "\(old.status) \(old.stderr)")
        let new = try await runCLI(
            ["--version"], directory: directory, name: "new", environment: ["LEADLEDGER_TEST_LIBRDKAFKA_VERSION": "2.3.0"])
        #expect(new.status == 0 && new.stdout.hasSuffix("(librdkafka 2.3.0)\n"), "\(new.stdout)")
    }

    /// One vocabulary: `--max-messages` for `watch` as for `consume` (the old `--max`
    /// still works, hidden); `topics create --topic-config` (kafka-topics' `--config`
    /// still works, hidden) and the broker's default replication factor when none is
    /// given; `run` accepts `--log-level warning`.
    @Test(.timeLimit(.minutes(5)))
    func vocabulary() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-vocabulary")
        let watchHelp = try await runCLI(["watch", "--help"], directory: directory, name: "watch-help")
        #expect(
            watchHelp.status == 0 && watchHelp.stdout.contains("--max-messages") && !watchHelp.stdout.contains("--max <"),
            "\(watchHelp.stdout)")
        let both = try await runCLI(
            ["watch", "-b", brokers, "--max", "1", "--max-messages", "1"], directory: directory, name: "watch-both")
        #expect(both.status == 2, "\(both.stderr)")
        let createHelp = try await runCLI(["topics", "create", "--help"], directory: directory, name: "create-help")
        #expect(createHelp.stdout.contains("--topic-config") && !createHelp.stdout.contains("--config <"), "\(createHelp.stdout)")

        let topic = uniqueName("cli-vocab")
        let created = try await runCLI(
            ["topics", "create", topic, "-b", brokers, "--partitions", "2", "--topic-config", "retention.ms=-1"], directory: directory,
            name: "create")
        #expect(created.status == 0 && created.stdout.contains("created topic \(topic)"), "\(created.stderr)")
        let legacy = try await runCLI(
            ["topics", "create", topic + "-legacy", "-b", brokers, "--config", "retention.ms=-1", "--replication-factor=-1"],
            directory: directory, name: "create-legacy")
        #expect(legacy.status == 0, "\(legacy.stderr)")
        let again = try await runCLI(["topics", "create", topic, "-b", brokers], directory: directory, name: "create-again")
        #expect(again.status == 3 && again.stderr.contains(topic), "\(again.status) \(again.stderr)")

        let suffix = uniqueName("vocab")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let run = try await runCLI(
            ["run", "--config", config, "--log-level", "warning", "--scoring-config", directory + "/no-such-scoring.yaml"],
            directory: directory, name: "run-warning")
        #expect(run.status == 3 && run.stderr.contains("no-such-scoring.yaml"), "\(run.status) \(run.stderr)")
    }

    /// `lag`, `topics list` and `audit verify` print one JSON object with
    /// `--format json`, valid against schemas/cli/; `audit verify` reports a
    /// forged audit record as UNEXPECTED with `ok: false` and status 1.
    @Test(.timeLimit(.minutes(5)))
    func jsonReportsFollowTheirSchemas() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-json")
        let suffix = uniqueName("json")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let generated = try await runCLI(
            ["generate", "--config", config, "--seed", "3", "--events", "300"], directory: directory, name: "generate")
        #expect(generated.status == 0, "\(generated.stderr)")
        let behind = try await runCLI(["lag", "--config", config, "--format", "json"], directory: directory, name: "lag-behind")
        #expect(behind.status == 0, "\(behind.stderr)")
        #expect(try await schemaViolations([Array(behind.stdout.utf8)], schema: "cli/lag", directory: directory) == "")
        let lagBehind = try JSONDecoder().decode(LagJSON.self, from: Data(behind.stdout.utf8))
        #expect(
            !lagBehind.caught_up && lagBehind.behind == 300 && lagBehind.stages.map(\.stage) == ["validate", "identity", "materialize"])

        let run = try CLIProcess(["run", "--config", config, "--state-directory", directory + "/state"], directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        let waited = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "180", "--format", "json"], directory: directory, name: "lag-wait",
            seconds: 200)
        #expect(waited.status == 0, "\(waited.stdout) \(waited.stderr.suffix(1000))")
        #expect(try await schemaViolations([Array(waited.stdout.utf8)], schema: "cli/lag", directory: directory) == "")
        #expect(try JSONDecoder().decode(LagJSON.self, from: Data(waited.stdout.utf8)).caught_up)
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")

        let topics = try await runCLI(["topics", "list", "-b", brokers, "--format", "json"], directory: directory, name: "topics")
        #expect(topics.status == 0, "\(topics.stderr)")
        #expect(try await schemaViolations([Array(topics.stdout.utf8)], schema: "cli/topics-list", directory: directory) == "")
        let listed = try JSONDecoder().decode(TopicsJSON.self, from: Data(topics.stdout.utf8))
        #expect(listed.topics.first { $0.name == "events-\(suffix)" }?.partitions.count == 4)

        let verified = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/state", "--format", "json"], directory: directory,
            name: "verify")
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr.suffix(1000))")
        #expect(try await schemaViolations([Array(verified.stdout.utf8)], schema: "cli/audit-verify", directory: directory) == "")
        let ok = try JSONDecoder().decode(AuditJSON.self, from: Data(verified.stdout.utf8))
        #expect(ok.ok && ok.differences.isEmpty && ok.audit_records > 0)
        // One partition at a time reports exactly what the concurrent default does.
        let sequential = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/state", "--format", "json", "--jobs", "1"],
            directory: directory, name: "verify-jobs-1")
        #expect(sequential.status == 0 && sequential.stdout == verified.stdout, "\(sequential.stdout) \(sequential.stderr.suffix(1000))")

        // A forged copy of an audit record: its lineage lies in the verified range.
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        let victim = try #require(audit.first)
        let forgedID = "dc_" + String(repeating: "f", count: 32)
        try await produce(
            "audit-\(suffix)", [(key: "forged", value: String(decoding: victim.value, as: UTF8.self))], brokers: brokers,
            partition: victim.partition, headers: [KafkaHeader(key: OutputHeaders.decisionID, value: forgedID)])
        let failed = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/state", "--format", "json", "--jobs", "3"],
            directory: directory, name: "verify-forged")
        #expect(failed.status == 1, "\(failed.stdout) \(failed.stderr.suffix(1000))")
        #expect(try await schemaViolations([Array(failed.stdout.utf8)], schema: "cli/audit-verify", directory: directory) == "")
        let report = try JSONDecoder().decode(AuditJSON.self, from: Data(failed.stdout.utf8))
        #expect(!report.ok)
        #expect(
            report.differences.map(\.kind) == ["UNEXPECTED"] && report.differences.first?.decision_id == forgedID
                && report.differences.first?.topic == "audit-\(suffix)")
    }

    /// `consume --format jsonl` keeps every byte: UTF-8 as text, anything else as
    /// base64, with the encoding named; lines validate against their schema.
    @Test(.timeLimit(.minutes(5)))
    func consumeJSONLinesKeepsBinaryPayloads() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-jsonl")
        let topic = uniqueName("cli-jsonl")
        try await createTopics([topic], partitions: 1, brokers: brokers)
        let binary: [UInt8] = [0x00, 0xFF, 0xC3, 0x28, 0x1B, 0x0A]
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "cli-tests"), logger: testLogger)
        try await producer.enqueue(
            KafkaProducerMessage(
                topic: topic, partition: 0, key: [0xFE, 0x01], value: binary,
                headers: [KafkaHeader(key: "h", value: [0x80]), KafkaHeader(key: "empty", value: nil)]))
        try await producer.enqueue(
            KafkaProducerMessage(
                topic: topic, partition: 0, key: nil, value: Array("héllo \u{1B}[31m".utf8), headers: [KafkaHeader(key: "h", value: "text")]
            ))
        try await producer.flush(timeout: .seconds(30))
        await producer.close()

        let consumed = try await runCLI(
            ["consume", "-b", brokers, "--topic", topic, "--format", "jsonl", "--exit-at-end"], directory: directory, name: "consume")
        #expect(consumed.status == 0, "\(consumed.stderr)")
        let lines = consumed.stdout.split(separator: "\n").map { Array($0.utf8) }
        #expect(lines.count == 2)
        #expect(try await schemaViolations(lines, schema: "cli/consume", directory: directory) == "")
        let messages = try lines.map { try JSONDecoder().decode(ConsumedJSON.self, from: Data($0)) }
        #expect(messages[0].value_encoding == "base64" && Data(base64Encoded: messages[0].value).map(Array.init) == binary)
        #expect(messages[0].key_encoding == "base64" && Data(base64Encoded: messages[0].key ?? "").map(Array.init) == [0xFE, 0x01])
        #expect(messages[0].headers.map(\.value_encoding) == ["base64", nil])
        #expect(messages[1].value_encoding == "utf8" && messages[1].value == "héllo \u{1B}[31m")
        #expect(messages[1].key == nil && messages[1].key_encoding == nil && messages[1].headers.first?.value == "text")
    }

    /// `watch` and `explain` print control characters from records escaped: an id
    /// carrying a terminal escape sequence reaches the terminal as `\x1b[2J`.
    @Test(.timeLimit(.minutes(5)))
    func watchAndExplainEscapeControlCharacters() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("cli-escape")
        let suffix = uniqueName("esc")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        // JSON escapes: the records are valid JSON whose strings hold ESC and BEL.
        // Records of the contracts' shape (watch and explain read them through their
        // typed decoders), with hostile strings where the contract allows any text.
        let lineage = #""lineage":{"log":{"partition":0,"offset":0},"source":{"topic":"crm.events","partition":0,"offset":0}}"#
        let routing =
            #"{"account_id":"acct\u001b[2J\u0007","change":"new","components":{"account":0,"engagement":0,"fit":0,"intent":0,"propensity":0.01},"decision_id":"dc_0123456789abcdef","emails":[],"event_time":"2026-01-01T00:00:00.000Z","explanation_base":0,"lead_id":"ld_escape",\#(lineage),"margin":-4.6,"model_version":"m","owner_id":null,"probability":0.01,"queue":"q\u001b]0;pwned\u0007","reasons":[],"ruleset_version":"r","schema_version":1,"score":1,"tier":"nurture"}"#
        try await produce("routing-\(suffix)", [(key: "ld_escape", value: routing)], brokers: brokers, partition: 0)
        let audit =
            #"{"account_id":null,"contributions":{},"decision_id":"dc_fedcba9876543210","event_kind":"web\u001b[2J","event_time":"2026-01-01T00:00:00.000Z","features":{},"further_decisions":[],"lead_id":"ld_escape",\#(lineage),"model_version":"m","owner_id":null,"probability":0.01,"queue":"nurture","reasons":[],"route_changed":false,"ruleset_version":"r","schema_version":2,"score":1,"state_hash":"0","tier":"nurture"}"#
        try await produce("audit-\(suffix)", [(key: "ld_escape", value: audit)], brokers: brokers, partition: 0)

        let watch = try await runCLI(
            ["watch", "--config", config, "--routing-only", "--max-messages", "1", "--idle", "5"], directory: directory, name: "watch")
        #expect(watch.status == 0, "\(watch.stderr)")
        #expect(watch.stdout.contains(#"acct\x1b[2J\x07"#) && watch.stdout.contains(#"q\x1b]0;pwned\x07"#), "\(watch.stdout)")
        #expect(!watch.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(watch.stdout.debugDescription)")

        let explain = try await runCLI(["explain", "--config", config, "--lead", "ld_escape"], directory: directory, name: "explain")
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains(#"web\x1b[2J"#), "\(explain.stdout)")
        #expect(!explain.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(explain.stdout.debugDescription)")
    }
}

/// `lag --format json`, as far as the tests read it.
private struct LagJSON: Decodable {
    struct Stage: Decodable {
        var stage: String
        var behind: Int
    }
    var caught_up: Bool
    var behind: Int
    var stages: [Stage]
}

/// `topics list --format json`, as far as the tests read it.
private struct TopicsJSON: Decodable {
    struct Topic: Decodable {
        struct Partition: Decodable { var id: Int }
        var name: String
        var partitions: [Partition]
    }
    var topics: [Topic]
}

/// `audit verify --format json`, as far as the tests read it.
private struct AuditJSON: Decodable {
    struct Difference: Decodable {
        var kind: String
        var topic: String
        var decision_id: String
    }
    var ok: Bool
    var audit_records: Int
    var differences: [Difference]
}

/// One `consume --format jsonl` line.
private struct ConsumedJSON: Decodable {
    struct Header: Decodable {
        var key: String
        var value: String?
        var value_encoding: String?
    }
    var key: String?
    var key_encoding: String?
    var value: String
    var value_encoding: String
    var headers: [Header]
}
