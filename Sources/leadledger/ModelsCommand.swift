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

/// The wall clock as an event time (control events and manifests are dated when written).
func nowEventTime() -> EventTime { EventTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }

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

/// Writes a rollback (`model.rollback` or `ruleset.rollback`) once the engine's model
/// operations find an earlier activation to return to (else `promote_refused`, status 1).
func writeRollback(_ kind: ControlEvent.Kind, options: ControlOptions, context: ModelsContext) async throws {
    let operations = try await context.operations(kind == .rulesetRollback ? "leadledger.rules" : "leadledger.models")
    let rollback = try await operations.rollbackRequest(
        kind, actor: options.actor, reason: options.reason, eventID: ModelOperations.newEventID(), now: nowEventTime())
    try await operations.write(rollback.event)
    print("\(kind.rawValue) written (event \(rollback.event.eventID)): \(rollback.from) → \(rollback.to)")
}
