import Foundation
import Hummingbird
import LeadLedgerCore
import LeadLedgerEngine

/// The model and rule-set lifecycle actions of the API (operator role): a control
/// event on `leadledger.control`, decided by the same ``ModelOperations`` as the
/// `leadledger models` and `leadledger rules` commands, so the API and the CLI refuse and accept the
/// same requests. The engine applies the event at a known log position.
package struct ModelControlService: Sendable {
    /// What a request wrote, or that it had nothing to write.
    package struct Answer: Codable, Sendable, Equatable {
        package var type: String
        package var version: String?
        /// The event written; nil when the version already decides (nothing written).
        package var eventID: String?
        package var actor: String
        /// The version deciding before the request.
        package var activeBefore: String
        /// For a rollback: the version it returns to.
        package var rollbackTo: String?
        package var written: Bool

        enum CodingKeys: String, CodingKey {
            case type, version, actor, written
            case eventID = "event_id"
            case activeBefore = "active_before"
            case rollbackTo = "rollback_to"
        }
    }

    let operations: ModelOperations
    let clock: @Sendable () -> EventTime

    package init(
        operations: ModelOperations,
        clock: @escaping @Sendable () -> EventTime = { EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded())) }
    ) {
        self.operations = operations
        self.clock = clock
    }

    /// `model.promote` or `model.shadow` of `version`, by `actor`.
    package func request(_ kind: ControlEvent.Kind, version: String, actor: String, body: ModelControlRequest) async throws(APIError)
        -> Answer
    {
        do {
            switch try await operations.request(
                kind, version: version, actor: actor, reason: body.reason, eventID: ModelOperations.newEventID(), now: clock(),
                force: body.force)
            {
            case .alreadyActive(let active):
                return Answer(
                    type: kind.rawValue, version: version, eventID: nil, actor: actor, activeBefore: active, rollbackTo: nil,
                    written: false)
            case .write(let event, let active, _):
                try await operations.write(event)
                return Answer(
                    type: kind.rawValue, version: version, eventID: event.eventID, actor: actor, activeBefore: active, rollbackTo: nil,
                    written: true)
            }
        } catch {
            throw Self.apiError(error)
        }
    }

    /// `model.rollback`, by `actor`.
    package func rollback(actor: String, body: ModelControlRequest) async throws(APIError) -> Answer {
        do {
            let rollback = try await operations.rollbackRequest(
                actor: actor, reason: body.reason, eventID: ModelOperations.newEventID(), now: clock())
            try await operations.write(rollback.event)
            return Answer(
                type: ControlEvent.Kind.modelRollback.rawValue, version: nil, eventID: rollback.event.eventID, actor: actor,
                activeBefore: rollback.from, rollbackTo: rollback.to, written: true)
        } catch {
            throw Self.apiError(error)
        }
    }

    /// `ruleset.promote` of `version`, by `actor`: as `leadledger rules promote`, the
    /// configured routing file is registered first when the registry lacks it, so a
    /// rollback to it loads everywhere. Promoting the rule set in force writes nothing.
    package func promoteRuleSet(version: String, actor: String, body: ModelControlRequest) async throws(APIError) -> Answer {
        let kind = ControlEvent.Kind.rulesetPromote.rawValue
        do {
            switch try await operations.ruleSetRequest(
                version: version, actor: actor, reason: body.reason, eventID: ModelOperations.newEventID(), now: clock())
            {
            case .alreadyActive(let active):
                return Answer(
                    type: kind, version: version, eventID: nil, actor: actor, activeBefore: active, rollbackTo: nil, written: false)
            case .write(let event, let active, _):
                try await operations.registerConfiguredRuleSet(now: clock())
                try await operations.write(event)
                return Answer(
                    type: kind, version: version, eventID: event.eventID, actor: actor, activeBefore: active, rollbackTo: nil,
                    written: true)
            }
        } catch {
            throw Self.apiError(error)
        }
    }

    /// `ruleset.rollback`, by `actor`.
    package func rollbackRuleSet(actor: String, body: ModelControlRequest) async throws(APIError) -> Answer {
        do {
            let rollback = try await operations.rollbackRequest(
                .rulesetRollback, actor: actor, reason: body.reason, eventID: ModelOperations.newEventID(), now: clock())
            try await operations.write(rollback.event)
            return Answer(
                type: ControlEvent.Kind.rulesetRollback.rawValue, version: nil, eventID: rollback.event.eventID, actor: actor,
                activeBefore: rollback.from, rollbackTo: rollback.to, written: true)
        } catch {
            throw Self.apiError(error)
        }
    }

    /// An unknown version is 404, a refusal 409 (the CLI's statuses 3 and 1), anything
    /// else (registry or broker unreachable) 503.
    static func apiError(_ error: any Error) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? ModelRegistryError {
            switch error.code {
            case .unknownModelVersion, .unknownRuleSetVersion: return APIError(.notFound, error.code.rawValue, error.reason)
            case .refused: return APIError(.conflict, error.code.rawValue, error.reason)
            default: return APIError(.serviceUnavailable, error.code.rawValue, error.reason)
            }
        }
        return APIError(.serviceUnavailable, "registry_unavailable", "the model registry or control topic cannot be reached")
    }
}
