/// Buying-center coverage of an account.
package struct BuyingCenterCoverage: Sendable, Equatable {
    /// Contacts per role, in ``BuyingRole`` order (every role listed, zero included).
    package var contactsByRole: [(role: BuyingRole, count: Int)]
    /// Roles with at least one contact, in ``BuyingRole`` order.
    package var covered: [BuyingRole]
    /// covered / all roles, in 0...1.
    package var fraction: Double

    package static func == (a: Self, b: Self) -> Bool {
        a.covered == b.covered && a.fraction == b.fraction
            && a.contactsByRole.map(\.role) == b.contactsByRole.map(\.role)
            && a.contactsByRole.map(\.count) == b.contactsByRole.map(\.count)
    }
}
