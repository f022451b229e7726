import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models show VERSION`.
struct ModelsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a version's manifest (schemas/leadledger.models.schema.json).")

    @OptionGroup var context: ModelsContext

    @Argument(help: "The model version.")
    var version: String

    @Option(help: "Output format: json (the manifest) or text.")
    var format: ReportFormat = .json

    func run() async throws {
        let operations = try await context.operations("leadledger.models")
        let manifest = try await operations.lookup(version).manifest
        switch format {
        case .json: StandardOutput.write(String(decoding: manifest.encoded, as: UTF8.self) + "\n")
        case .text:
            var text = "model_version: \(manifest.modelVersion)\nkind: \(manifest.kind)\n"
            text += "created_at: \(manifest.createdAt)\ncreated_by: \(TerminalText.escapingControls(manifest.createdBy))\n"
            for c in manifest.components { text += "component: \(c.name) (\(c.kind), weight \(c.weight), version \(c.version))\n" }
            text += "feature_set: \(manifest.featureSet ?? "unknown")\n"
            text += "features: " + manifest.features.map { "\($0.name) (\($0.direction))" }.joined(separator: ", ") + "\n"
            text += "training: \(manifest.training.map(CanonicalJSON.string) ?? "unknown")\n"
            text += "metrics: \(manifest.metrics.map(CanonicalJSON.string) ?? "unknown")\n"
            text += "baselines: \(manifest.baselines == nil ? "none" : "present")\n"
            for a in manifest.artifacts {
                text += "artifact: \(a.role) \(a.source) \(a.size) bytes sha256 \(a.sha256) (\(a.chunks) chunks)\n"
            }
            StandardOutput.write(text)
        }
    }
}
