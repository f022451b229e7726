import LeadLedgerCore

/// The holdout experiment of a rule set (`holdout:` in the routing YAML): a
/// fixed share of leads is routed by a baseline that does not use the model, so
/// the model's lift can be measured (`leadledger kpis --by arm`).
///
/// ```yaml
/// holdout:
///   fraction: 0.1               # share of leads in the holdout arm, above 0 and at most 0.5
///   key: 2026-q4                # names the experiment; a new key draws new arms
///   baseline_tier: sales_develop  # a holdout lead's tier when no rule applies
/// ```
///
/// A lead's arm is a keyed hash of its id (``arm(of:)``): the same lead is in
/// the same arm in every process, on every replay, for as long as the key and
/// fraction stay. The baseline keeps the rules that do not need the model (the
/// disqualifiers and the unsubscribe policy) and gives every other holdout lead
/// `baseline_tier`, with the usual owner assignment (territory round-robin);
/// the model's score is still computed and audited, but not used to route.
package struct HoldoutPolicy: Sendable, Equatable {
    /// Share of leads in the holdout arm, in (0, 0.5].
    package var fraction: Double
    /// The experiment's key: salts the hash that assigns arms.
    package var key: String
    /// The tier of a holdout lead that no disqualifier or unsubscribe rule routes.
    package var baselineTier: Tier

    package init(fraction: Double, key: String, baselineTier: Tier) {
        self.fraction = fraction
        self.key = key
        self.baselineTier = baselineTier
    }

    /// The lead's arm: the stable hash of the key and the lead id, mixed once more
    /// (SplitMix64) so every bit is uniform, read as a fraction of 2^64.
    package func arm(of lead: LeadID) -> Arm {
        var h = StableHash()
        h.string("holdout")
        h.string(key)
        h.u64(lead.raw)
        var mix = SplitMix64(seed: h.value)
        return mix.unit() < fraction ? .holdout : .treatment
    }
}
