import LeadLedgerCore

/// Which model decides on one log partition, derived from the control events in
/// the partition (SPEC §10): the active version (nil until the first activation:
/// the configured model decides), the versions active before each activation
/// (what a rollback returns to), the shadow versions, and the history of every
/// control event with its outcome. Part of the materialize snapshot, so a
/// restored partition goes on with the model the log chose.
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
        /// The active version before.
        package var from: String
        /// The active version after.
        package var to: String
        /// What happened.
        package var outcome: Outcome
    }

    /// The most shadow versions scored at once.
    package static let maxShadows = 4

    /// The active version; nil until the partition's first activation.
    package var active: String?
    /// The versions active before each activation still in force, oldest first.
    package var previous: [String] = []
    /// The shadow versions, sorted.
    package var shadows: [String] = []
    /// Every control event applied, in log order.
    package var history: [Change] = []

    /// No activation yet.
    package init() {}

    /// The version that decides: the active one, else `configured`.
    package func current(configured: String) -> String { active ?? configured }

    /// Applies `event` at `logOffset`. `isAvailable` says whether a version can be loaded.
    /// - Returns: the outcome (also appended to ``history``).
    @discardableResult
    package mutating func apply(
        _ event: ControlEvent, at logOffset: Int64, configured: String, isAvailable: (String) -> Bool
    ) -> Outcome {
        let before = current(configured: configured)
        var outcome: Outcome
        switch event.kind {
        case .modelPromote:
            let version = event.version ?? before
            if version == before {
                outcome = .unchanged
                if active == nil { active = version }
            } else if !isAvailable(version) {
                outcome = .unavailable
            } else {
                previous.append(before)
                active = version
                outcome = .switched
            }
        case .modelRollback:
            if let last = previous.last {
                if isAvailable(last) {
                    previous.removeLast()
                    active = last
                    outcome = .switched
                } else {
                    outcome = .unavailable
                }
            } else {
                outcome = .refused
            }
        case .modelShadow:
            let version = event.version ?? before
            if shadows.contains(version) || shadows.count >= Self.maxShadows {
                outcome = .unchanged
            } else if !isAvailable(version) {
                outcome = .unavailable
            } else {
                shadows.append(version)
                shadows.sort()
                outcome = .shadowed
            }
        case .modelUnshadow:
            let version = event.version ?? before
            if let index = shadows.firstIndex(of: version) {
                shadows.remove(at: index)
                outcome = .unshadowed
            } else {
                outcome = .unchanged
            }
        }
        history.append(Change(logOffset: logOffset, event: event, from: before, to: current(configured: configured), outcome: outcome))
        return outcome
    }

    /// The canonical JSON of the state (the snapshot's encoding).
    package var json: JSONValue {
        .object([
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
        ])
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
        func strings(_ key: String) throws -> [String] {
            guard case .array(let items) = object[key] else { throw fail("\(key) missing") }
            return try items.map {
                guard case .string(let s) = $0 else { throw fail("\(key) holds a non-string") }
                return s
            }
        }
        if case .string(let a) = object["active"] { active = a }
        previous = try strings("previous")
        shadows = try strings("shadows")
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
