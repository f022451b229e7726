/// Seniority levels derived from a job title.
package enum Seniority: String, Sendable, CaseIterable, Codable, Comparable {
    case unknown
    case individualContributor = "individual_contributor"
    case manager, director, vp
    case cLevel = "c_level"

    var rank: Int {
        switch self {
        case .unknown: 0
        case .individualContributor: 1
        case .manager: 2
        case .director: 3
        case .vp: 4
        case .cLevel: 5
        }
    }
    package static func < (a: Seniority, b: Seniority) -> Bool { a.rank < b.rank }
}
