/// Which arm of the holdout experiment a lead belongs to (routing rules'
/// `holdout`, ``HoldoutPolicy``). Records decided without a holdout configured
/// carry no `arm` member; readers count them as ``treatment``.
package enum Arm: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    /// Routed by the model.
    case treatment
    /// Routed by the configured baseline instead of the model.
    case holdout

    package static func < (a: Arm, b: Arm) -> Bool { a.rawValue < b.rawValue }
}
