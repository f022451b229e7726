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

    /// Writes the state into a materialize snapshot (``SnapshotWriter``): the
    /// model's active version (optional) and previous versions, the shadows, the
    /// rule set's active and previous versions, then the history, each change as
    /// its log offset, its control event's contract bytes (canonical JSON, checked
    /// again on restore), the versions before and after, and the outcome's name.
    package func write(to w: inout SnapshotWriter) {
        w.optString(model.active)
        w.strings(model.previous)
        w.strings(shadows)
        w.optString(ruleSet.active)
        w.strings(ruleSet.previous)
        w.varint(history.count)
        for change in history {
            w.zigzag(change.logOffset)
            w.byteString(change.event.encoded)
            w.string(change.from)
            w.string(change.to)
            w.string(change.outcome.rawValue)
        }
    }

    /// Reads what ``write(to:)`` wrote.
    package init(reading r: inout SnapshotReader) throws(SnapshotError) {
        model.active = try r.optString("active model")
        model.previous = try r.strings("previous models")
        shadows = try r.strings("shadow models")
        ruleSet.active = try r.optString("active rule set")
        ruleSet.previous = try r.strings("previous rule sets")
        for _ in 0..<(try r.count("activation history", minBytes: 5)) {
            let logOffset = try r.zigzag("control event offset")
            let bytes = try r.byteString("control event")
            let event: ControlEvent
            do {
                event = try ControlEvent(bytes: bytes)
            } catch {
                throw r.fail("control event", "\(error)")
            }
            let from = try r.string("activation from")
            let to = try r.string("activation to")
            let name = try r.string("activation outcome")
            guard let outcome = Outcome(rawValue: name) else { throw r.fail("activation outcome", "unknown outcome \(name)") }
            history.append(Change(logOffset: logOffset, event: event, from: from, to: to, outcome: outcome))
        }
    }
}
