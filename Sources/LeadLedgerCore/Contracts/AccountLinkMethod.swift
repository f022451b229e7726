/// How a lead was matched to an account, strongest first:
/// crm_opportunity > segment_group > website > email_domain > company_name.
package enum AccountLinkMethod: String, Sendable, CaseIterable, Codable, Comparable {
    case companyName = "company_name"
    case emailDomain = "email_domain"
    case website
    case segmentGroup = "segment_group"
    case crmOpportunity = "crm_opportunity"

    /// Strength; a weaker method never replaces a stronger link.
    package var strength: Int {
        switch self {
        case .companyName: 1
        case .emailDomain: 2
        case .website: 3
        case .segmentGroup: 4
        case .crmOpportunity: 5
        }
    }
    package static func < (a: Self, b: Self) -> Bool { a.strength < b.strength }
}
