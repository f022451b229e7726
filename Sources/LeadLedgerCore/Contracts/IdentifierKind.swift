/// Kinds of person identifiers the resolver unions.
package enum IdentifierKind: String, Sendable, CaseIterable, Codable {
    /// A normalized email identity key (plus-tag removed).
    case email
    /// A CRM record id, qualified by CRM: `salesforce:00Q…`.
    case crmRecord = "crm_record"
    /// A Segment `userId`.
    case userID = "user_id"
    /// A Segment `anonymousId`.
    case anonymousID = "anonymous_id"
}
