import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

extension ModelOperations {
    /// What a promote, shadow or unshadow request comes to, before anything is written.
    package enum VersionRequest: Sendable, Equatable {
        /// Promoting the version that already decides: nothing to write.
        case alreadyActive(String)
        /// The event to write, the version that decided before it, and for an unforced
        /// promote the held-out comparison it passed (nil when there was no evidence).
        case write(ControlEvent, activeBefore: String, comparison: HeldOutComparison?)
    }

    /// Decides a request naming `version` (`model.promote`, `model.shadow`, `model.unshadow`):
    /// the version must be registered (else ``ModelRegistryError`` `unknown_model_version`).
    /// A promote is judged on the candidate's held-out split
    /// (``heldOutComparison(candidate:active:)``): a candidate whose AUC there is below the
    /// active model's is refused (`promote_refused`, both figures in the reason) unless
    /// `force`. Shared by `leadledger models` and the API.
    package func request(
        _ kind: ControlEvent.Kind, version: String, actor: String, reason: String, eventID: String, now: EventTime, force: Bool
    ) async throws -> VersionRequest {
        let candidate = try await lookup(version)
        let (requested, configuredDecisions, contents) = try await currentActivation()
        let active = requested.current(configured: configuredDecisions.modelVersion)
        var comparison: HeldOutComparison?
        if kind == .modelPromote {
            if version == active { return .alreadyActive(version) }
            if !force, let activeModel = try activeModel(active, configured: configuredDecisions, contents: contents) {
                comparison = try await heldOutComparison(candidate: candidate, active: activeModel)
                if let comparison, comparison.candidateIsWorse { throw comparison.refusal }
            }
        }
        let event = ControlEvent(eventID: eventID, kind: kind, version: version, actor: actor, reason: reason, occurredAt: now)
        return .write(event, activeBefore: active, comparison: comparison)
    }

    /// The active version's manifest (when registered) and decision configuration:
    /// from the registry contents, else the local cache, else the configured files
    /// when they are that version; nil when none has it.
    func activeModel(_ active: String, configured: DecisionConfiguration, contents: ModelRegistry.Contents) throws -> (
        manifest: ModelManifest?, decisions: DecisionConfiguration
    )? {
        if let entry = contents.versions[active] ?? (try? configuration.modelCache.load(active)) {
            return (entry.manifest, try configuration(of: entry.bundle))
        }
        return active == configured.modelVersion ? (nil, configured) : nil
    }

    /// Decides a `ruleset.promote` of `version`: promoting the rule set in force writes
    /// nothing; any other must be registered (else ``ModelRegistryError`` `unknown_ruleset_version`).
    package func ruleSetRequest(version: String, actor: String, reason: String, eventID: String, now: EventTime) async throws
        -> VersionRequest
    {
        let (requested, configured, _) = try await currentActivation()
        let active = requested.currentRuleSet(configured: configured.rulesetVersion)
        if version == active { return .alreadyActive(version) }
        _ = try await lookupRuleSet(version)
        let event = ControlEvent(eventID: eventID, kind: .rulesetPromote, version: version, actor: actor, reason: reason, occurredAt: now)
        return .write(event, activeBefore: active, comparison: nil)
    }

    /// Decides a rollback (`kind`: `model.rollback` or `ruleset.rollback`): the event, the
    /// model (or rule set) in force now and the one it returns to.
    /// - Throws: ``ModelRegistryError`` `refused` when there is no earlier activation.
    package func rollbackRequest(
        _ kind: ControlEvent.Kind = .modelRollback, actor: String, reason: String, eventID: String, now: EventTime
    ) async throws -> (event: ControlEvent, from: String, to: String) {
        let (requested, configured, _) = try await currentActivation()
        let onRules = kind == .rulesetRollback
        let line = onRules ? requested.ruleSet : requested.model
        guard let target = line.previous.last else {
            throw ModelRegistryError(
                .refused, context: kind.rawValue, "no earlier \(onRules ? "rule-set" : "model") activation to roll back to")
        }
        let event = ControlEvent(eventID: eventID, kind: kind, version: nil, actor: actor, reason: reason, occurredAt: now)
        return (event, line.current(configured: onRules ? configured.rulesetVersion : configured.modelVersion), target)
    }

    /// The activation the control topic asks for now, with the configured decision
    /// configuration it starts from and the registry contents it was judged against.
    func currentActivation() async throws -> (
        activation: ModelActivation, configured: DecisionConfiguration, contents: ModelRegistry.Contents
    ) {
        let configured = try configuration.decisionConfiguration()
        let contents = try await contents()
        let requested = try await requestedActivation(
            configured: configured.modelVersion, configuredRuleSet: configured.rulesetVersion, contents: contents)
        return (requested.activation, configured, contents)
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
