/// An operator action on the `leadledger.control` topic (schemas/leadledger.control.schema.json):
/// which model decides, which models score in the shadow, which rule set routes. The identity stage copies each
/// valid one to every partition of the canonical log, so every partition switches at a
/// known log position and a replay repeats the switch.
///
/// The wire form is one JSON object: `event_id`, `type`, `version` (every type but
/// the rollbacks), `actor`, `reason`, `occurred_at` (RFC 3339); nothing else.
/// ``encoded`` is its canonical JSON, the bytes that reach the log.
package struct ControlEvent: Sendable, Hashable {
    /// What the event asks for.
    package enum Kind: String, Sendable, CaseIterable {
        /// Make `version` the model that decides.
        case modelPromote = "model.promote"
        /// Score every decided lead with `version` as well, for the audit record only.
        case modelShadow = "model.shadow"
        /// Stop shadow scoring with `version`.
        case modelUnshadow = "model.unshadow"
        /// Restore the model that was active before the current activation.
        case modelRollback = "model.rollback"
        /// Make rule set `version` (a registered routing file) the rules that route.
        case rulesetPromote = "ruleset.promote"
        /// Restore the rule set that was active before the current rule-set activation.
        case rulesetRollback = "ruleset.rollback"

        /// Whether the type names a version.
        package var needsVersion: Bool { self != .modelRollback && self != .rulesetRollback }

        /// Whether the type acts on rule sets (its version is a `ruleset_version`) rather than models.
        package var actsOnRuleSet: Bool { self == .rulesetPromote || self == .rulesetRollback }
    }

    /// The event's id (free text chosen by the writer; the CLI writes `ctl_` + a UUID).
    package var eventID: String
    /// The action.
    package var kind: Kind
    /// The model or rule-set version acted on (16 lower-case hex digits), nil for a rollback.
    package var version: String?
    /// Who asked.
    package var actor: String
    /// Why.
    package var reason: String
    /// When it was asked (event time of the control event).
    package var occurredAt: EventTime

    /// The largest control event accepted, in bytes.
    package static let maxBytes = 16 * 1024
    /// The longest `event_id`, `actor` or `version`.
    package static let maxShortText = 256
    /// The longest `reason`.
    package static let maxReason = 2048

    /// Creates an event.
    package init(eventID: String, kind: Kind, version: String?, actor: String, reason: String, occurredAt: EventTime) {
        self.eventID = eventID
        self.kind = kind
        self.version = version
        self.actor = actor
        self.reason = reason
        self.occurredAt = occurredAt
    }

    /// Decodes and validates a control event.
    /// - Throws: the `ContractError` a DLQ record carries: `malformed_json`,
    ///   `schema_violation` (naming the field), `unsupported_type`, `invalid_timestamp`.
    package init(bytes: [UInt8]) throws(ContractError) {
        guard bytes.count <= Self.maxBytes else {
            throw ContractError(.payloadTooLarge, "a control event is at most \(Self.maxBytes) bytes, this one \(bytes.count)")
        }
        guard case .object(let object) = try JSONParser.parse(bytes) else {
            throw ContractError(.schemaViolation, field: "$", "a control event is a JSON object")
        }
        let known: Set<String> = ["event_id", "type", "version", "actor", "reason", "occurred_at"]
        if let extra = object.members.first(where: { !known.contains($0.key) }) {
            throw ContractError(.schemaViolation, field: "$.\(extra.key)", "unknown field \(extra.key)")
        }
        func text(_ key: String, limit: Int) throws(ContractError) -> String {
            guard case .string(let value) = object[key] else {
                throw ContractError(.schemaViolation, field: "$.\(key)", "\(key) is required and must be a string")
            }
            guard !value.isEmpty, value.utf8.count <= limit else {
                throw ContractError(.schemaViolation, field: "$.\(key)", "\(key) must be 1 to \(limit) bytes")
            }
            return value
        }
        let typeName = try text("type", limit: Self.maxShortText)
        guard let kind = Kind(rawValue: typeName) else {
            throw ContractError(
                .unsupportedType, field: "$.type",
                "type \(typeName) is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var version: String?
        if kind.needsVersion {
            let value = try text("version", limit: Self.maxShortText)
            guard Self.isModelVersion(value) else {
                throw ContractError(.schemaViolation, field: "$.version", "version must be 16 lower-case hex digits, got \(value)")
            }
            version = value
        } else if let value = object["version"], value != .null {
            throw ContractError(.schemaViolation, field: "$.version", "\(typeName) names no version")
        }
        let occurred = try text("occurred_at", limit: Self.maxShortText)
        guard let time = EventTime.parseRFC3339(occurred) else {
            throw ContractError(.invalidTimestamp, field: "$.occurred_at", "occurred_at is not an RFC 3339 timestamp: \(occurred)")
        }
        self.init(
            eventID: try text("event_id", limit: Self.maxShortText), kind: kind, version: version,
            actor: try text("actor", limit: Self.maxShortText), reason: try text("reason", limit: Self.maxReason), occurredAt: time)
    }

    /// Whether `text` has the form of a model version: 16 lower-case hex digits.
    package static func isModelVersion(_ text: String) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The JSON value of the event.
    package var json: JSONValue {
        var members: [JSONObject.Member] = [
            .init("event_id", .string(eventID)), .init("type", .string(kind.rawValue)), .init("actor", .string(actor)),
            .init("reason", .string(reason)), .init("occurred_at", .string(occurredAt.rfc3339)),
        ]
        if let version { members.append(.init("version", .string(version))) }
        return .object(JSONObject(members))
    }

    /// The canonical JSON bytes (sorted keys), as written to the log.
    package var encoded: [UInt8] { CanonicalJSON.encode(json) }
}
