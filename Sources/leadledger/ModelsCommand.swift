import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models …`: the model registry and model activation (docs/model-lifecycle.md).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Register models, list and show them, and promote, shadow or roll back the model that decides.",
        discussion: """
            Versions live on the compacted topic leadledger.models (manifest and
            artifact chunks); --model-store (default <state directory>/models) is
            only a local cache. promote, shadow, unshadow and rollback write a
            control event to leadledger.control: the engine copies it to every
            partition of the canonical log, so every partition switches at a known
            position and a replay repeats the switch.

            promote judges the candidate before writing anything: when its manifest
            records the log range it was trained on (train --register does), that
            range of the canonical log is read again, the seeded held-out split is
            rebuilt, and the active model and the candidate are both scored on the
            candidate's held-out leads. A candidate with a lower AUC there is
            refused, with both figures; --force promotes it anyway. A manifest
            without a range falls back to the AUCs the manifests record.

            EXIT STATUS
              0  done (also: promoting the version already active changes nothing)
              1  refused: rollback with nothing to roll back to, promote of a model
                 whose AUC on its own held-out split is below the active model's
                 on the same leads (without --force)
              3  unknown version, artifact hash mismatch, broker unreachable

            Examples:
              leadledger models register model/ --config leadledger.yaml
              leadledger models list --config leadledger.yaml
              leadledger models show 0123456789abcdef --config leadledger.yaml
              leadledger models promote 0123456789abcdef --actor ana --reason "Q3 retrain"
              leadledger models rollback --actor ana --reason "precision dropped"
            """,
        subcommands: [
            ModelsRegisterCommand.self, ModelsListCommand.self, ModelsShowCommand.self, ModelsPromoteCommand.self,
            ModelsShadowCommand.self, ModelsUnshadowCommand.self, ModelsRollbackCommand.self,
        ]
    )
}

/// The options every `models` subcommand shares.
struct ModelsContext: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    /// The operations, after topics are ensured.
    func operations(_ label: String) async throws -> ModelOperations {
        let logger = connection.makeLogger(label)
        let configuration = try engine.resolve(connection)
        try await ensureTopics(configuration, logger: logger)
        return ModelOperations(configuration: configuration, logger: logger)
    }
}

/// The wall clock as an event time (control events and manifests are dated when written).
func nowEventTime() -> EventTime { EventTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }

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

/// The options of the commands that write a control event.
struct ControlOptions: ParsableArguments {
    @Option(help: "Who asks (recorded in the log).")
    var actor: String

    @Option(help: "Why (recorded in the log).")
    var reason: String

    func validate() throws {
        if actor.isEmpty || actor.utf8.count > ControlEvent.maxShortText { throw ValidationError("--actor: 1 to 256 bytes") }
        if reason.isEmpty || reason.utf8.count > ControlEvent.maxReason { throw ValidationError("--reason: 1 to 2048 bytes") }
    }

}

/// Writes a control event naming `version` once the engine's model operations accept
/// the request (registered version; a promote no worse than the active model unless `force`).
func writeVersionEvent(_ kind: ControlEvent.Kind, version: String, options: ControlOptions, context: ModelsContext, force: Bool)
    async throws
{
    let operations = try await context.operations("leadledger.models")
    switch try await operations.request(
        kind, version: version, actor: options.actor, reason: options.reason, eventID: ModelOperations.newEventID(),
        now: nowEventTime(), force: force)
    {
    case .alreadyActive:
        print("\(version) is already the active model; nothing written")
    case .write(let event, let active, let comparison):
        try await operations.write(event)
        print("\(kind.rawValue) \(version) written (event \(event.eventID); active before: \(active))")
        if let comparison {
            print("judged on \(comparison.summary)")
        } else if kind == .modelPromote && !force {
            print("not judged: no training range in \(version)'s manifest, and no held-out AUCs of both models to compare")
        }
    }
}

/// `leadledger models promote VERSION`.
struct ModelsPromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Make VERSION the model that decides, from a known log position on every partition.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    @Argument(help: "The model version.")
    var version: String

    @Flag(help: "Promote even when the candidate does worse than the active model on the candidate's held-out split.")
    var force = false

    func run() async throws {
        try await writeVersionEvent(.modelPromote, version: version, options: control, context: context, force: force)
    }
}

/// `leadledger models shadow VERSION`.
struct ModelsShadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow", abstract: "Score every decided lead with VERSION as well (audit records only, never routing).")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    @Argument(help: "The model version.")
    var version: String

    func run() async throws { try await writeVersionEvent(.modelShadow, version: version, options: control, context: context, force: true) }
}

/// `leadledger models unshadow VERSION`.
struct ModelsUnshadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unshadow", abstract: "Stop shadow scoring with VERSION.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    @Argument(help: "The model version.")
    var version: String

    func run() async throws {
        try await writeVersionEvent(.modelUnshadow, version: version, options: control, context: context, force: true)
    }
}

/// `leadledger models rollback`.
struct ModelsRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Return to the version that was active before the current activation.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    func run() async throws { try await writeRollback(.modelRollback, options: control, context: context) }
}

/// Writes a rollback (`model.rollback` or `ruleset.rollback`) once the engine's model
/// operations find an earlier activation to return to (else `promote_refused`, status 1).
func writeRollback(_ kind: ControlEvent.Kind, options: ControlOptions, context: ModelsContext) async throws {
    let operations = try await context.operations(kind == .rulesetRollback ? "leadledger.rules" : "leadledger.models")
    let rollback = try await operations.rollbackRequest(
        kind, actor: options.actor, reason: options.reason, eventID: ModelOperations.newEventID(), now: nowEventTime())
    try await operations.write(rollback.event)
    print("\(kind.rawValue) written (event \(rollback.event.eventID)): \(rollback.from) → \(rollback.to)")
}
