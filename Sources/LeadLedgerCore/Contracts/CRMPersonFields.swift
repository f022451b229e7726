/// Person fields of `lead.*` / `contact.*` events. Every field is optional;
/// updates carry only changed fields. A JSON `null` is read as "not given".
package struct CRMPersonFields: Sendable, Equatable {
    package var email: String?
    package var firstName: String?
    package var lastName: String?
    package var title: String?
    package var phone: String?
    package var company: String?
    package var website: String?
    package var country: String?
    package var state: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var industry: String?
    package var leadSource: String?
    /// Custom CRM fields (`custom`), sorted by key.
    package var custom: [CustomField] = []
    package init() {}
}
