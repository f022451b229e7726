import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models register DIR`.
struct ModelsRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register the model in DIR (its scoring.yaml and the files it names); prints the version on the last line.",
        discussion: """
            DIR holds scoring.yaml (or give a scoring file itself), as `train --out`
            writes it; training.json (training log range and held-out metrics) and
            baselines.json next to it go into the manifest when present.
            """
    )

    @OptionGroup var context: ModelsContext

    @Argument(help: "A directory with scoring.yaml, or a scoring configuration file.")
    var path: String

    @Option(help: "Who registers it (default: $USER).")
    var createdBy: String?

    func run() async throws {
        let operations = try await context.operations("leadledger.models")
        let manifest = try await ModelsRegisterCommand.register(path: path, createdBy: createdBy, operations: operations)
        print("registered \(manifest.kind) model with \(manifest.features.count) features, \(manifest.artifacts.count) artifacts")
        print(manifest.modelVersion)
    }

    /// Registers the model at `path` (directory or scoring file), with its directory's
    /// `training.json` and `baselines.json` when present.
    static func register(path: String, createdBy: String?, operations: ModelOperations) async throws -> ModelManifest {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RuntimeFailure("\(path): no such file or directory")
        }
        let directory = isDirectory.boolValue ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path).deletingLastPathComponent()
        let scoring = isDirectory.boolValue ? directory.appendingPathComponent("scoring.yaml") : URL(fileURLWithPath: path)
        let bundle = try ModelBundle.load(scoringFile: scoring)
        func optionalJSON(_ name: String) throws -> JSONValue? {
            let url = directory.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url) else { return nil }
            do {
                return try JSONParser.parseReportingOffset(Array(data), limits: JSONLimits(maxBytes: 16 << 20), keepingIntegers: true)
            } catch {
                throw RuntimeFailure("\(url.path): not JSON: \(error)")
            }
        }
        let who = createdBy ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        return try await operations.register(
            bundle, createdBy: who, createdAt: nowEventTime(), training: try optionalJSON("training.json"),
            metrics: try optionalJSON("metrics.json"), baselines: try optionalJSON("baselines.json"))
    }
}
