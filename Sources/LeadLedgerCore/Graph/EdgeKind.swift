/// Edge types of the account knowledge graph.
package enum EdgeKind: String, Sendable, CaseIterable, Codable, Comparable {
    /// lead → account (from `account.linked`).
    case worksAt = "works_at"
    /// lead → content/campaign (tracked events, web campaigns, CRM activities).
    case engagedWith = "engaged_with"
    /// lead → campaign/content (email opens).
    case opened
    /// lead → content (email clicks).
    case clicked
    /// lead → content (page views).
    case visited
    /// account → parent account.
    case subsidiaryOf = "subsidiary_of"
    /// owner → account.
    case owns
    /// lead → opportunity.
    case onOpportunity = "on_opportunity"
    var rank: Int {
        switch self {
        case .worksAt: 0
        case .engagedWith: 1
        case .opened: 2
        case .clicked: 3
        case .visited: 4
        case .subsidiaryOf: 5
        case .owns: 6
        case .onOpportunity: 7
        }
    }
    package static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}
