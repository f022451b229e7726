import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Tier codes")
struct TierCodeTests {
    @Test(arguments: Tier.allCases)
    func anOverridesTierMapsToTheCodeOfTheSameName(tier: Tier) {
        #expect(TierCode(tier).name == tier.rawValue)
        #expect(TierCode(name: tier.rawValue) == TierCode(tier))
    }
}
