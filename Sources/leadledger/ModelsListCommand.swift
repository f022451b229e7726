import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models list`.
struct ModelsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the registered versions, marking the active one and the shadows the control topic asks for.")

    @OptionGroup var context: ModelsContext

    @Option(help: "Output format: text or json (one object: models, active, shadows).")
    var format: ReportFormat = .text

    func run() async throws {
        let operations = try await context.operations("leadledger.models")
        let decisions = try operations.configuration.decisionConfiguration()
        let configured = decisions.modelVersion
        let contents = try await operations.contents()
        let requested = try await operations.requestedActivation(
            configured: configured, configuredRuleSet: decisions.rulesetVersion, contents: contents)
        let active = requested.activation.current(configured: configured)
        let shadows = requested.activation.shadows
        let manifests = contents.versions.values.map(\.manifest).sorted {
            ($0.createdAt, $0.modelVersion) < ($1.createdAt, $1.modelVersion)
        }
        switch format {
        case .json:
            let models: [JSONValue] = manifests.map { m in
                .object([
                    "model_version": .string(m.modelVersion), "kind": .string(m.kind), "created_at": .string(m.createdAt),
                    "created_by": .string(m.createdBy), "active": .bool(m.modelVersion == active),
                    "shadow": .bool(shadows.contains(m.modelVersion)),
                ])
            }
            let broken: [JSONValue] = contents.broken.sorted { $0.key < $1.key }.map {
                .object([
                    "model_version": .string($0.key), "error_code": .string($0.value.code.rawValue), "reason": .string($0.value.reason),
                ])
            }
            let report: JSONValue = .object([
                "models": .array(models), "active": .string(active), "shadows": .array(shadows.map { .string($0) }),
                "unusable": .array(broken),
            ])
            StandardOutput.write(CanonicalJSON.string(report) + "\n")
        case .text:
            var text = "VERSION           KIND                 CREATED_AT                CREATED_BY  STATE\n"
            for m in manifests {
                let state = m.modelVersion == active ? "active" : shadows.contains(m.modelVersion) ? "shadow" : ""
                text +=
                    "\(m.modelVersion)  \(m.kind.padding(toLength: 19, withPad: " ", startingAt: 0))  \(m.createdAt)  \(m.createdBy)  \(state)\n"
            }
            for (version, error) in contents.broken.sorted(by: { $0.key < $1.key }) {
                text += "\(version)  UNUSABLE: \(TerminalText.escapingControls(error.description))\n"
            }
            StandardOutput.write(text)
        }
    }
}
