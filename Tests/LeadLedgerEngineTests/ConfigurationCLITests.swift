import Foundation
import TestSupport
import Testing

/// What a user sees when a configuration file has a misspelt key: the command
/// stops before it does anything, with the configuration error's status and one
/// line that names the file, the key and the keys it could have meant.
@Suite("Configuration files (CLI)")
struct ConfigurationCLITests {
    @Test(.timeLimit(.minutes(5)))
    func aMisspeltKeyStopsRunWithOneLine() async throws {
        let directory = try makeTemporaryDirectory("cli-config-typo")
        let config = directory + "/leadledger.yaml"
        try "brokers: 127.0.0.1:1\nstate_dir: \(directory)/state\n".write(toFile: config, atomically: true, encoding: .utf8)
        let run = try await runCLI(["run", "--config", config], directory: directory, name: "run-typo", seconds: 50)
        #expect(run.status == 3, "\(run.status) \(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("leadledger: error: invalid_configuration"), "\(line)")
        #expect(line.contains(config) && line.contains("unknown key 'state_dir'") && line.contains("state_directory"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/state"))
    }
}
