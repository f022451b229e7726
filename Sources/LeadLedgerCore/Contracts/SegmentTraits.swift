/// The traits LeadLedger reads from `identify` (person) and `group` (company) calls.
package struct SegmentTraits: Sendable, Equatable {
    package var email: String?
    package var name: String?
    package var firstName: String?
    package var lastName: String?
    package var title: String?
    package var phone: String?
    /// `traits.company` as a string, or `traits.company.name`.
    package var company: String?
    package var website: String?
    package var domain: String?
    package var country: String?
    package var employees: Int?
    package var industry: String?
    package init() {}
}
