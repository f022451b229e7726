import Foundation
import LeadLedgerCore

/// What the feature extractor and the gate derive from one attribute or
/// identifier value, whichever attribute it is the value of: its seniority and
/// buying role (as those attributes' values), whether it is a target job
/// function, industry (case-insensitive) or country (case-insensitive), whether
/// it mentions a student (as a title), and its mail domain's kind and
/// competitor flag (as an email address). Computed once per distinct string by
/// ``FeatureExtractor/classify(value:memo:)``; packed in 32 bits so that a memo
/// holds one word per interned string.
struct ValueClass: Sendable, Equatable {
    /// The packed bits; 0 is never a computed class (``computed`` is always set).
    private(set) var bits: UInt32

    private static let computed: UInt32 = 1 << 31
    private static let functionBit: UInt32 = 1 << 6
    private static let industryBit: UInt32 = 1 << 7
    private static let countryBit: UInt32 = 1 << 8
    private static let studentBit: UInt32 = 1 << 9
    private static let competitorBit: UInt32 = 1 << 12

    /// A class from its packed bits (as ``bits`` gave them); nil for 0, the memo's "not computed".
    init?(bits: UInt32) {
        guard bits & Self.computed != 0 else { return nil }
        self.bits = bits
    }

    init(
        seniority: Seniority, role: BuyingRole?, functionTarget: Bool, industryTarget: Bool, countryTarget: Bool,
        mentionsStudent: Bool, mail: MailDomainKind?, competitor: Bool
    ) {
        var b = Self.computed
        b |= UInt32(FeatureExtractor.seniorities.firstIndex(of: seniority)!)
        if let role { b |= UInt32(FeatureExtractor.roles.firstIndex(of: role)! + 1) << 3 }
        if functionTarget { b |= Self.functionBit }
        if industryTarget { b |= Self.industryBit }
        if countryTarget { b |= Self.countryBit }
        if mentionsStudent { b |= Self.studentBit }
        switch mail {
        case nil: break
        case .corporate: b |= 1 << 10
        case .free: b |= 2 << 10
        case .disposable: b |= 3 << 10
        }
        if competitor { b |= Self.competitorBit }
        bits = b
    }

    /// The value's index in `Seniority.allCases` (the `seniority` feature; 0, `unknown`, when it is none).
    var seniorityIndex: Int { Int(bits & 0b111) }
    /// The value as a buying role, if it is one.
    var role: BuyingRole? {
        let r = Int(bits >> 3 & 0b111)
        return r == 0 ? nil : FeatureExtractor.roles[r - 1]
    }
    /// The value is one of the configuration's target job functions (exact match).
    var functionTarget: Bool { bits & Self.functionBit != 0 }
    /// The value, lowercased, is one of the target industries.
    var industryTarget: Bool { bits & Self.industryBit != 0 }
    /// The value, uppercased, is one of the target countries.
    var countryTarget: Bool { bits & Self.countryBit != 0 }
    /// The value, as a title, mentions a student (``QualificationGate/mentionsStudent(_:)``).
    var mentionsStudent: Bool { bits & Self.studentBit != 0 }
    /// The kind of the value's mail domain (the text after its last `@`); nil without one.
    var mail: MailDomainKind? {
        switch bits >> 10 & 0b11 {
        case 1: .corporate
        case 2: .free
        case 3: .disposable
        default: nil
        }
    }
    /// The value's mail domain, or its registrable domain, is a competitor's.
    var competitor: Bool { bits & Self.competitorBit != 0 }
}
