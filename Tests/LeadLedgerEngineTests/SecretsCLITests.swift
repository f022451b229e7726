import Foundation
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Secrets stay off the output (CLI)")
struct SecretsCLITests {
    /// A SASL password given in a properties file (the `-X` forms are covered by
    /// `CLIConventionsTests`), and a master key file with invalid content: the
    /// commands fail, and neither stdout nor stderr of any of them holds the
    /// planted values; errors name the setting.
    @Test(.timeLimit(.minutes(3)))
    func plantedSecretsAreNeverPrinted() async throws {
        let directory = try makeTemporaryDirectory("secrets")
        let planted = "Pw-\(UInt32.random(in: 0...UInt32.max))-Planted"
        var outputs: [(String, (status: Int32, stdout: String, stderr: String))] = []

        // An invalid master key file: `run` stops before it touches Kafka.
        let keyFile = directory + "/master.key"
        try "not-a-key-\(planted)\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        let config = try writeConfiguration(directory: directory, brokers: "127.0.0.1:1", suffix: uniqueName("sec"))
        let badKey = try await runCLI(
            ["run", "--config", config, "--no-http"], directory: directory, name: "bad-master-key", seconds: 60,
            environment: [MasterKey.environmentVariable: keyFile])
        #expect(badKey.status == 3 && badKey.stderr.contains(MasterKey.environmentVariable), "\(badKey.stderr)")
        outputs.append(("run with an invalid master key", badKey))
        let missing = try await runCLI(
            ["run", "--config", config, "--no-http"], directory: directory, name: "missing-master-key", seconds: 60,
            environment: [MasterKey.environmentVariable: keyFile + ".missing"])
        #expect(missing.status == 3 && missing.stderr.contains(MasterKey.environmentVariable), "\(missing.stderr)")

        // A SASL password the client is given but cannot use (no broker listens there).
        let properties = directory + "/client.properties"
        try "security.protocol=sasl_plaintext\nsasl.mechanism=PLAIN\nsasl.username=leadledger\nsasl.password=\(planted)\n".write(
            toFile: properties, atomically: true, encoding: .utf8)
        // With librdkafka's configuration and security debugging on and every log line shown.
        let fromFile = try await runCLI(
            [
                "topics", "list", "-b", "127.0.0.1:1", "--client-config", properties, "-X", "debug=conf,security,broker", "--log-level",
                "debug",
            ], directory: directory, name: "sasl-file", seconds: 90)
        #expect(fromFile.status == 3, "\(fromFile.stderr.suffix(1000))")
        outputs.append(("topics list with a SASL password in --client-config", fromFile))
        // A property librdkafka rejects, next to the password: named by key only.
        let rejected = try await runCLI(
            ["topics", "list", "-b", "127.0.0.1:1", "--client-config", properties, "-X", "sasl.mechanism=\(planted)"],
            directory: directory, name: "sasl-rejected", seconds: 90)
        #expect(rejected.status == 3 && rejected.stderr.contains("sasl.mechanism"), "\(rejected.stderr)")
        outputs.append(("a rejected SASL property", rejected))

        for (what, result) in outputs {
            #expect(!result.stdout.contains(planted) && !result.stderr.contains(planted), "\(what) printed the planted secret")
        }
    }
}
