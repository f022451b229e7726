import LeadLedgerCore

/// Which model decides and which rule set routes on one log partition, derived
/// from the control events in the partition (SPEC §10): for each, the active
/// version (nil until the first activation: the configured one is in force) and
/// the versions active before each activation (what a rollback returns to); the
/// shadow models; and the history of every control event with its outcome.
/// Models and rule sets switch independently, by the same rules
/// (``ActiveVersion``). Part of the materialize snapshot, so a restored
/// partition goes on with the model and rules the log chose.
package struct ModelActivation: Sendable, Equatable {
    /// What a control event did.
    package enum Outcome: String, Sendable {
        /// The active model changed.
        case switched
        /// Promoting the active version, shadowing a shadow, unshadowing a non-shadow: nothing changed.
        case unchanged
        /// A rollback with nothing to roll back to.
        case refused
        /// The version could not be loaded from the registry: nothing changed.
        case unavailable
        /// A shadow version was added.
        case shadowed
        /// A shadow version was removed.
        case unshadowed
    }

    /// One applied control event.
    package struct Change: Sendable, Equatable {
        /// The log offset of the control event.
        package var logOffset: Int64
        /// The event.
        package var event: ControlEvent
        /// The active version before: a rule set for the `ruleset.*` events, else a model.
        package var from: String
        /// The active version after (of the same kind as ``from``).
        package var to: String
        /// What happened.
        package var outcome: Outcome
    }

    /// The most shadow versions scored at once.
    package static let maxShadows = 4

    /// The deciding model.
    package var model = ActiveVersion()
    /// The routing rule set.
    package var ruleSet = ActiveVersion()
    /// The shadow versions, sorted.
    package var shadows: [String] = []
    /// Every control event applied, in log order.
    package var history: [Change] = []

    /// No activation yet.
    package init() {}

    /// The active model version; nil until the partition's first model activation.
    package var active: String? { model.active }
    /// The model versions active before each model activation still in force, oldest first.
    package var previous: [String] { model.previous }

    /// The model that decides: the active one, else `configured`.
    package func current(configured: String) -> String { model.current(configured: configured) }

    /// The rule set that routes: the active one, else `configured`.
    package func currentRuleSet(configured: String) -> String { ruleSet.current(configured: configured) }

    /// Applies `event` at `logOffset`. `configured` and `configuredRuleSet` are the
    /// versions in force before any activation; `isAvailable` and `isRuleSetAvailable`
    /// say whether a model or a rule set can be loaded.
    /// - Returns: the outcome (also appended to ``history``).
    @discardableResult
    package mutating func apply(
        _ event: ControlEvent, at logOffset: Int64, configured: String, configuredRuleSet: String,
        isAvailable: (String) -> Bool, isRuleSetAvailable: (String) -> Bool
    ) -> Outcome {
        let onRules = event.kind.actsOnRuleSet
        let before = onRules ? currentRuleSet(configured: configuredRuleSet) : current(configured: configured)
        let outcome: Outcome
        switch event.kind {
        case .modelPromote:
            outcome = model.promote(event.version ?? before, configured: configured, isAvailable: isAvailable)
        case .modelRollback:
            outcome = model.rollback(isAvailable: isAvailable)
        case .rulesetPromote:
            outcome = ruleSet.promote(event.version ?? before, configured: configuredRuleSet, isAvailable: isRuleSetAvailable)
        case .rulesetRollback:
            outcome = ruleSet.rollback(isAvailable: isRuleSetAvailable)
        case .modelShadow:
            outcome = shadow(event.version ?? before, isAvailable: isAvailable)
        case .modelUnshadow:
            outcome = unshadow(event.version ?? before)
        }
        let after = onRules ? currentRuleSet(configured: configuredRuleSet) : current(configured: configured)
        history.append(Change(logOffset: logOffset, event: event, from: before, to: after, outcome: outcome))
        return outcome
    }

    /// Adds a shadow model (at most ``maxShadows``).
    mutating func shadow(_ version: String, isAvailable: (String) -> Bool) -> Outcome {
        if shadows.contains(version) || shadows.count >= Self.maxShadows { return .unchanged }
        guard isAvailable(version) else { return .unavailable }
        shadows.append(version)
        shadows.sort()
        return .shadowed
    }

    /// Removes a shadow model.
    mutating func unshadow(_ version: String) -> Outcome {
        guard let index = shadows.firstIndex(of: version) else { return .unchanged }
        shadows.remove(at: index)
        return .unshadowed
    }

    /// The canonical JSON of the state (the snapshot's encoding). The rule set's
    /// `ruleset` member (`active`, `previous`) is there only once a rule-set event
    /// changed it, so a partition without one encodes as before rule sets could switch.
    package var json: JSONValue {
        var object: JSONObject = [
            "active": active.map { .string($0) } ?? .null,
            "previous": .array(previous.map { .string($0) }),
            "shadows": .array(shadows.map { .string($0) }),
            "history": .array(
                history.map {
                    .object([
                        "log_offset": .int(Int($0.logOffset)), "event": $0.event.json, "from": .string($0.from), "to": .string($0.to),
                        "outcome": .string($0.outcome.rawValue),
                    ])
                }),
        ]
        if ruleSet != ActiveVersion() {
            let rules: JSONObject = [
                "active": ruleSet.active.map { .string($0) } ?? .null, "previous": .array(ruleSet.previous.map { .string($0) }),
            ]
            object.members.append(JSONObject.Member("ruleset", .object(rules)))
        }
        return .object(object)
    }

    /// The snapshot bytes.
    package var encoded: [UInt8] { CanonicalJSON.encode(json) }

    /// Decodes ``encoded``.
    package init(bytes: [UInt8]) throws {
        func fail(_ reason: String) -> ModelRegistryError { ModelRegistryError(.invalidRecord, context: "model activation", reason) }
        guard
            case .object(let object) = try JSONParser.parseReportingOffset(
                bytes, limits: JSONLimits(maxBytes: 1 << 30), keepingIntegers: true)
        else { throw fail("not an object") }
        func strings(_ key: String, in object: JSONObject) throws -> [String] {
            guard case .array(let items) = object[key] else { throw fail("\(key) missing") }
            return try items.map {
                guard case .string(let s) = $0 else { throw fail("\(key) holds a non-string") }
                return s
            }
        }
        if case .string(let a) = object["active"] { model.active = a }
        model.previous = try strings("previous", in: object)
        shadows = try strings("shadows", in: object)
        if let value = object["ruleset"] {
            guard case .object(let rules) = value else { throw fail("ruleset is not an object") }
            if case .string(let a) = rules["active"] { ruleSet.active = a }
            ruleSet.previous = try strings("previous", in: rules)
        }
        guard case .array(let items) = object["history"] else { throw fail("history missing") }
        history = try items.map { item in
            guard case .object(let o) = item, case .int(let offset) = o["log_offset"], let eventValue = o["event"],
                case .string(let from) = o["from"], case .string(let to) = o["to"], case .string(let outcomeName) = o["outcome"],
                let outcome = Outcome(rawValue: outcomeName)
            else { throw fail("a history entry is incomplete") }
            let event = try ControlEvent(bytes: CanonicalJSON.encode(eventValue))
            return Change(logOffset: Int64(offset), event: event, from: from, to: to, outcome: outcome)
        }
    }
}
