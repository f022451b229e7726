import Testing

@testable import LeadLedgerCore

/// One tier type: its wire name (contracts) and its code (decider tables and
/// snapshots) are fixed, and each reads back to the same tier.
@Suite("Tier")
struct TierTests {
    @Test func namesAndCodesAreTheContractsAndReadBack() {
        #expect(Tier.allCases.map(\.name) == ["nurture", "sales_develop", "sales_ready", "review", "disqualified"])
        #expect(Tier.allCases.map(\.code) == [0, 1, 2, 3, 4])
        for tier in Tier.allCases {
            #expect(Tier(name: tier.name) == tier)
            #expect(Tier(code: tier.code) == tier)
        }
        #expect(Tier(name: "Sales_Ready") == nil && Tier(name: "") == nil && Tier(code: 5) == nil)
        #expect(Tier.nurture < Tier.salesReady && Tier.review < Tier.disqualified)
        #expect(Tier.allCases.filter(\.assignsOwner) == [.salesDevelop, .salesReady])
    }
}

extension TierTests {
    /// Snapshots written before the tier types were merged store an override's
    /// tier as 1 + its position in sales_ready, sales_develop, nurture, review,
    /// disqualified; they still read back.
    @Test func anOverridesTierKeepsItsSnapshotByte() {
        let bytes: [Tier: UInt8] = [.salesReady: 1, .salesDevelop: 2, .nurture: 3, .review: 4, .disqualified: 5]
        for (tier, byte) in bytes {
            #expect(Ledger.overrideTierByte(tier) == byte)
            #expect(Ledger.overrideTiers[Int(byte) - 1] == tier)
        }
    }
}
