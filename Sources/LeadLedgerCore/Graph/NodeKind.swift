/// Node types of the account knowledge graph.
package enum NodeKind: String, Sendable, CaseIterable, Codable, Comparable {
    case lead, account, campaign, content, opportunity, owner
    var rank: Int {
        switch self {
        case .lead: 0
        case .account: 1
        case .campaign: 2
        case .content: 3
        case .opportunity: 4
        case .owner: 5
        }
    }
    package static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}
