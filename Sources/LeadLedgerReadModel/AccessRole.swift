/// The roles of the read model's tokens, each including the ones before it:
/// `viewer` (KPIs, queues, DLQ counts; personal data masked), `analyst` (lead
/// and account details with personal data), `operator` (overrides, DLQ
/// payloads), `admin` (everything).
package enum AccessRole: String, Sendable, CaseIterable, Codable, Comparable {
    case viewer, analyst, `operator`, admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .analyst: 1
        case .operator: 2
        case .admin: 3
        }
    }

    package static func < (a: AccessRole, b: AccessRole) -> Bool { a.rank < b.rank }

    /// Whether a token with this role may do what `required` may.
    package func permits(_ required: AccessRole) -> Bool { self >= required }

    /// Whether responses to this role show personal data (emails, names) in the clear.
    package var seesPersonalData: Bool { permits(.analyst) }
}
