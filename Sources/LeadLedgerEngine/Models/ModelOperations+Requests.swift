import Foundation
import LeadLedgerCore

extension ModelOperations {
    /// What a promote, shadow or unshadow request comes to, before anything is written.
    package enum VersionRequest: Sendable, Equatable {
        /// Promoting the version that already decides: nothing to write.
        case alreadyActive(String)
        /// The event to write, and the version that decided before it.
        case write(ControlEvent, activeBefore: String)
    }

    /// Decides a request naming `version` (`model.promote`, `model.shadow`, `model.unshadow`):
    /// the version must be registered (else ``ModelRegistryError`` `unknown_version`), and a
    /// promote of a candidate whose manifest's held-out AUC is below the active model's is
    /// refused (`refused`) unless `force`. Shared by `leadledger models` and the API.
    package func request(
        _ kind: ControlEvent.Kind, version: String, actor: String, reason: String, eventID: String, now: EventTime, force: Bool
    ) async throws -> VersionRequest {
        let candidate = try await lookup(version).manifest
        let configured = try configuration.decisionConfiguration().modelVersion
        let contents = try await contents()
        let requested = try await requestedActivation(configured: configured, known: Set(contents.versions.keys))
        let active = requested.activation.current(configured: configured)
        if kind == .modelPromote {
            if version == active { return .alreadyActive(version) }
            if !force, let activeManifest = contents.versions[active]?.manifest, let candidateAUC = Self.heldOutAUC(candidate.metrics),
                let activeAUC = Self.heldOutAUC(activeManifest.metrics), candidateAUC < activeAUC
            {
                throw ModelRegistryError(
                    .refused, context: version,
                    "held-out AUC \(candidateAUC) is below the active model \(active)'s \(activeAUC) (--force promotes it anyway)")
            }
        }
        let event = ControlEvent(eventID: eventID, kind: kind, version: version, actor: actor, reason: reason, occurredAt: now)
        return .write(event, activeBefore: active)
    }

    /// Decides a rollback: the event, the version deciding now and the one it returns to.
    /// - Throws: ``ModelRegistryError`` `refused` when there is no earlier activation.
    package func rollbackRequest(actor: String, reason: String, eventID: String, now: EventTime) async throws -> (
        event: ControlEvent, from: String, to: String
    ) {
        let configured = try configuration.decisionConfiguration().modelVersion
        let contents = try await contents()
        let requested = try await requestedActivation(configured: configured, known: Set(contents.versions.keys))
        guard let target = requested.activation.previous.last else {
            throw ModelRegistryError(.refused, context: "rollback", "no earlier activation to roll back to")
        }
        let event = ControlEvent(eventID: eventID, kind: .modelRollback, version: nil, actor: actor, reason: reason, occurredAt: now)
        return (event, requested.activation.current(configured: configured), target)
    }

    /// A new control event id (`ctl_` and a random UUID): the one spelling for the CLI and the API.
    package static func newEventID() -> String { "ctl_" + UUID().uuidString.lowercased() }

    /// The `auc` member of a manifest's metrics, when it has one.
    package static func heldOutAUC(_ metrics: JSONValue?) -> Double? {
        guard case .object(let object)? = metrics else { return nil }
        switch object["auc"] {
        case .number(let d)?: return d
        case .int(let i)?: return Double(i)
        default: return nil
        }
    }
}
