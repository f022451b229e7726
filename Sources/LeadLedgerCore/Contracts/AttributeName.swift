/// Lead attributes carried by `lead.attributes` events (values normalized).
package enum AttributeName: String, Sendable, CaseIterable, Codable {
    case email
    case firstName = "first_name"
    case lastName = "last_name"
    case title, phone, company, website, country, state, employees
    case annualRevenue = "annual_revenue"
    case industry
    case leadSource = "lead_source"
    case seniority
    case jobFunction = "function"
    case buyingRole = "buying_role"

    /// Dense index, for fixed slots in projections.
    package var index: Int {
        switch self {
        case .email: 0
        case .firstName: 1
        case .lastName: 2
        case .title: 3
        case .phone: 4
        case .company: 5
        case .website: 6
        case .country: 7
        case .state: 8
        case .employees: 9
        case .annualRevenue: 10
        case .industry: 11
        case .leadSource: 12
        case .seniority: 13
        case .jobFunction: 14
        case .buyingRole: 15
        }
    }
}
