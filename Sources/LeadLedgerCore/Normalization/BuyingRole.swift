/// Buying-center roles derived from seniority and title.
package enum BuyingRole: String, Sendable, CaseIterable, Codable {
    case decisionMaker = "decision_maker"
    case champion, influencer, user, gatekeeper
}
