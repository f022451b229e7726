/// A routing tier (SPEC §3): where a decision sends a lead, and what an
/// override (`override.set`) may pin.
///
/// One type for both: the contracts carry a tier by its ``name``
/// (`sales_ready`), the decider and the snapshots by its ``code``, a byte that
/// indexes per-tier tables. Cases are declared in code order, so the order of
/// `allCases` and of `<` is the order of the codes.
package enum Tier: Sendable, Hashable, CaseIterable, Comparable {
    case nurture
    case salesDevelop
    case salesReady
    case review
    case disqualified

    /// The stable compact form (0 to 4), an index into per-tier tables; stored in snapshots.
    @inline(__always)
    package var code: UInt8 {
        switch self {
        case .nurture: 0
        case .salesDevelop: 1
        case .salesReady: 2
        case .review: 3
        case .disqualified: 4
        }
    }

    /// The tier of a code, or nil for a byte that is none.
    package init?(code: UInt8) {
        switch code {
        case 0: self = .nurture
        case 1: self = .salesDevelop
        case 2: self = .salesReady
        case 3: self = .review
        case 4: self = .disqualified
        default: return nil
        }
    }

    /// The wire name in every contract.
    package var name: String {
        switch self {
        case .nurture: "nurture"
        case .salesDevelop: "sales_develop"
        case .salesReady: "sales_ready"
        case .review: "review"
        case .disqualified: "disqualified"
        }
    }

    /// The tier a wire name names, or nil.
    package init?(name: String) {
        switch name {
        case "nurture": self = .nurture
        case "sales_develop": self = .salesDevelop
        case "sales_ready": self = .salesReady
        case "review": self = .review
        case "disqualified": self = .disqualified
        default: return nil
        }
    }

    /// Whether the tier gets an owner (the sales tiers).
    package var assignsOwner: Bool { self == .salesReady || self == .salesDevelop }
}
