/// Outcome kinds that feed the feedback loop.
package enum OutcomeKind: String, Sendable, CaseIterable, Codable {
    case converted, disqualified
}
