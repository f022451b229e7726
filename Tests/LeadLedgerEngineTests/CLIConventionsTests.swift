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
        #expect(fileOnly.status != 0 && fileOnly.stderr.contains("security.protocol"), "\(fileOnly.stderr)")
        noSecret(fileOnly, "a rejected file property")

        let environmentWins = try await runCLI(["topics", "list", "--client-config", bad], directory: directory, name: "env-over-file",
                                               environment: ["LEADLEDGER_KAFKA_SECURITY_PROTOCOL": "plaintext"])
        #expect(environmentWins.status == 0, "\(environmentWins.stderr)")

        let flagWins = try await runCLI(["topics", "list", "--client-config", good, "-X", "security.protocol=\(planted)"], directory: directory, name: "flag-over-env",
                                        environment: ["LEADLEDGER_KAFKA_SECURITY_PROTOCOL": "plaintext"])
        #expect(flagWins.status != 0 && flagWins.stderr.contains("security.protocol"), "\(flagWins.stderr)")
        noSecret(flagWins, "a rejected -X property")

        // The YAML properties: lowest of the configured layers.
        let suffix = uniqueName("prec")
        let config = try writeConfiguration(directory: directory, brokers: "127.0.0.1:1", suffix: suffix)
        try (try String(contentsOfFile: config, encoding: .utf8) + "\nproperties: { \"security.protocol\": \"\(planted)\" }\n").write(toFile: config, atomically: true, encoding: .utf8)
        let yamlOnly = try await runCLI(["generate", "--config", config, "--events", "0", "-b", brokers], directory: directory, name: "yaml-bad")
        #expect(yamlOnly.status != 0 && yamlOnly.stderr.contains("security.protocol"), "\(yamlOnly.stderr)")
        noSecret(yamlOnly, "a rejected YAML property")
        let fileOverYAML = try await runCLI(["generate", "--config", config, "--events", "0", "--client-config", good], directory: directory, name: "file-over-yaml")
        #expect(fileOverYAML.status == 0, "\(fileOverYAML.stderr)")

        // A Java-only property of a Kafka tools file: refused by name, its value (a password) unprinted.
        let jaas = (directory as NSString).appendingPathComponent("jaas.properties")
        try "bootstrap.servers=\(brokers)\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"\(planted)\";\n"
            .write(toFile: jaas, atomically: true, encoding: .utf8)
        let java = try await runCLI(["topics", "list", "--client-config", jaas], directory: directory, name: "jaas")
        #expect(java.status != 0 && java.stderr.contains("sasl.jaas.config"), "\(java.stderr)")
        noSecret(java, "a rejected JAAS line")
        let malformed = try await runCLI(["topics", "list", "-b", brokers, "-X", planted], directory: directory, name: "malformed")
        #expect(malformed.status != 0 && malformed.stderr.contains("property #1 is not key=value"), "\(malformed.stderr)")
        noSecret(malformed, "a malformed -X")
    }
}
