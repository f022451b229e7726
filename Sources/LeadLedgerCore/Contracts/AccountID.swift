/// An account's id: the registrable domain (`acme.co.uk`) when the account
/// has a domain, else `crm:<source>:<crm id>` or `seg:<groupId>`.
package struct AccountID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id text.
    package var rawValue: String
    /// Wraps an id.
    package init(_ rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }
    package static func < (a: AccountID, b: AccountID) -> Bool { a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8) }
}
