/// The active version of one thing the log switches (the deciding model, the
/// routing rule set) with the versions active before each activation still in
/// force: the promote / rollback rules both share (SPEC §10). Promoting the
/// version in force changes nothing (the first time, it records the bootstrap
/// activation); rollback restores the version active before the current
/// activation, and a second rollback goes one step further back.
package struct ActiveVersion: Sendable, Equatable {
    /// The active version; nil until the first activation (the configured one is in force).
    package var active: String?
    /// The versions active before each activation still in force, oldest first.
    package var previous: [String] = []

    /// No activation yet.
    package init() {}

    /// The version in force: the active one, else `configured`.
    package func current(configured: String) -> String { active ?? configured }

    /// Makes `version` the active one when it can be loaded (`isAvailable`).
    mutating func promote(_ version: String, configured: String, isAvailable: (String) -> Bool) -> ModelActivation.Outcome {
        let before = current(configured: configured)
        if version == before {
            if active == nil { active = version }
            return .unchanged
        }
        guard isAvailable(version) else { return .unavailable }
        previous.append(before)
        active = version
        return .switched
    }

    /// Restores the version active before the current activation when it can be loaded.
    mutating func rollback(isAvailable: (String) -> Bool) -> ModelActivation.Outcome {
        guard let last = previous.last else { return .refused }
        guard isAvailable(last) else { return .unavailable }
        previous.removeLast()
        active = last
        return .switched
    }
}
