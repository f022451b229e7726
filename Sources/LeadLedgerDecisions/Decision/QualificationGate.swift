import Foundation
import LeadLedgerCore

/// Maps a score to a tier with hysteresis, disqualifiers and review.
///
/// Score tiers (ranked nurture < sales_develop < sales_ready), given the
/// previous score tier `prev` (nurture when none):
/// - sales_ready if score ≥ `sales_ready.enter`, or prev = sales_ready and score ≥ `sales_ready.exit`;
/// - else sales_develop if score ≥ `sales_develop.enter`, or prev ≥ sales_develop and score ≥ `sales_develop.exit`;
/// - else nurture.
/// So a lead moves up only when it reaches the enter threshold and down only
/// when it falls below the exit threshold.
///
/// Then: a disqualifier makes the tier `disqualified` (the score tier is still
/// tracked); an unsubscribed lead under policy `nurture` is capped at nurture;
/// a high-value lead (employees ≥ `review.min_employees` or an open
/// opportunity on its account) whose probability lies in
/// [`probability_low`, `probability_high`] goes to `review`.
package struct QualificationGate: Sendable {
    package let configuration: GateConfiguration
    package init(_ configuration: GateConfiguration) { self.configuration = configuration }

    /// The score tier with hysteresis.
    package func scoreTier(score: Double, previous: Tier?) -> Tier {
        let c = configuration
        let prev = previous ?? .nurture
        if score >= c.salesReadyEnter || (prev == .salesReady && score >= c.salesReadyExit) { return .salesReady }
        if score >= c.salesDevelopEnter || ((prev == .salesReady || prev == .salesDevelop) && score >= c.salesDevelopExit) {
            return .salesDevelop
        }
        return .nurture
    }

    /// The full verdict for one lead.
    package func evaluate(
        score: Int, probability: Double, previousScoreTier: Tier?, disqualifier: Disqualifier?,
        unsubscribed: Bool, highValue: Bool
    ) -> GateResult {
        let st = scoreTier(score: Double(score), previous: previousScoreTier)
        if let disqualifier { return GateResult(tier: .disqualified, scoreTier: st, disqualifier: disqualifier, review: false) }
        if unsubscribed && configuration.unsubscribePolicy == .nurture {
            return GateResult(tier: .nurture, scoreTier: st, disqualifier: nil, review: false)
        }
        if highValue && probability >= configuration.reviewProbabilityLow && probability <= configuration.reviewProbabilityHigh {
            return GateResult(tier: .review, scoreTier: st, disqualifier: nil, review: true)
        }
        return GateResult(tier: st, scoreTier: st, disqualifier: nil, review: false)
    }

    /// The holdout arm's gate (``HoldoutPolicy``): the rules that need no model
    /// (a disqualifier, the unsubscribe policy) route as usual; every other lead
    /// gets `baselineTier`. The score tier is still tracked, so a lead's hysteresis
    /// state is the same in both arms.
    package func evaluateBaseline(
        score: Int, previousScoreTier: Tier?, disqualifier: Disqualifier?, unsubscribed: Bool, baselineTier: Tier
    ) -> GateResult {
        let st = scoreTier(score: Double(score), previous: previousScoreTier)
        if let disqualifier { return GateResult(tier: .disqualified, scoreTier: st, disqualifier: disqualifier, review: false) }
        if unsubscribed && configuration.unsubscribePolicy == .nurture {
            return GateResult(tier: .nurture, scoreTier: st, disqualifier: nil, review: false)
        }
        return GateResult(tier: baselineTier, scoreTier: st, disqualifier: nil, review: false)
    }

    /// The first disqualifier that applies to a lead, given its feature row.
    /// `title.lowercased().contains("student")`, bytewise for ASCII titles.
    static func mentionsStudent(_ title: String) -> Bool {
        var t = title
        let ascii: Bool? = t.withUTF8 { b in
            let needle: [UInt8] = Array("student".utf8)
            for c in b where c >= 0x80 { return nil }
            guard b.count >= needle.count else { return false }
            for start in 0...(b.count - needle.count) {
                var k = 0
                while k < needle.count {
                    var c = b[start + k]
                    if c >= 0x41 && c <= 0x5A { c += 0x20 }
                    if c != needle[k] { break }
                    k += 1
                }
                if k == needle.count { return true }
            }
            return false
        }
        return ascii ?? title.lowercased().contains("student")
    }

    package func disqualifier(lead: LeadProfile, row: UnsafeBufferPointer<Double>) -> Disqualifier? {
        disqualifier(fields: lead, row: row, mentionsStudent: lead.value(.title).map(Self.mentionsStudent) == true)
    }

    /// ``disqualifier(lead:row:)`` for any ``LeadFields`` (e.g. a lead read in place from the
    /// ledger), its title classified through `memo`.
    func disqualifier<L: LeadFields>(
        fields lead: L, row: UnsafeBufferPointer<Double>, extractor: FeatureExtractor, memo: inout ExtractionMemo
    ) -> Disqualifier? {
        disqualifier(fields: lead, row: row, mentionsStudent: lead.valueClass(.title, extractor, memo: &memo)?.mentionsStudent == true)
    }

    private func disqualifier<L: LeadFields>(fields lead: L, row: UnsafeBufferPointer<Double>, mentionsStudent: Bool) -> Disqualifier? {
        typealias I = FeatureCatalogue.Index
        if row[I.competitor] == 1 { return .competitor }
        if mentionsStudent { return .student }
        let health = lead.health
        if row[I.disposable] == 1 || health.contains(.spamReported) { return .spamTrap }
        if health.contains(.bounced) { return .hardBounce }
        if configuration.unsubscribePolicy == .disqualify,
            health.contains(.unsubscribed) || health.contains(.groupUnsubscribed)
        {
            return .unsubscribed
        }
        if lead.outcomeKind == .disqualified { return .crmDisqualified }
        return nil
    }
}
