import LeadLedgerCore

// MARK: Account fan-out rule
//
// An `accountChanged(A)` effect re-decides every contact of A only when A's
// account inputs differ from those at A's last fan-out:
//
// - The account inputs are everything of a contact's decision that comes from
//   its account: the ``AccountSignals`` (firmographics used by features and by
//   territory routing, `owner_id` used by account-owner-first routing, the
//   competitor flag, the engaged-contact list, buying-center coverage, open
//   opportunities, the hierarchy roll-up), and the targets of the graph paths
//   in reasons (the first open opportunity, the parent or first subsidiary),
//   all as of the event's time (the engaged window ends at the event time).
// - Their signature is a 64-bit FNV-1a hash (``StableHash``: bytes in a fixed,
//   big-endian order, so platform-independent) seeded with the model and
//   ruleset versions, so decisions under another configuration fan out again.
// - ``DecisionState`` keeps, per account, the signature as of the account's
//   last fan-out (snapshotted with the rest of the state). An account change
//   whose signature equals the stored one decides only the leads the event
//   names itself (`leadChanged`, … effects); a different or absent signature
//   (the account's first change on this partition) re-decides every contact
//   in lead-id order and stores the new signature.
// - Merges and erasures emit no `accountChanged`: they leave the stored
//   signatures alone. What they change of an account's inputs (a contact
//   removed by a merge, the engaged list) makes the signature differ at the
//   account's next change, which then fans out. The map holds hashes only, no
//   personal data.
// - The signature is a pure function of the ledger (the log prefix), the
//   event time and the configuration, and the stored map is part of the state:
//   a replay, with or without a snapshot, makes the same choices and the same
//   bytes.

extension AccountSignals {
    /// The 64-bit signature of these inputs plus the graph-path targets
    /// (`firstOpenOpportunity`, `hierarchyNeighbor`), continuing `seed`.
    func signature(seed: StableHash, firstOpenOpportunity: String?, hierarchyNeighbor: AccountID?) -> UInt64 {
        var h = seed
        h.string("account-inputs")
        h.string(id.rawValue)
        if let employees {
            h.byte(1)
            h.u64(UInt64(bitPattern: Int64(employees)))
        } else {
            h.byte(0)
        }
        func opt(_ s: String?) {
            if let s {
                h.byte(1)
                h.string(s)
            } else {
                h.byte(0)
            }
        }
        opt(industry)
        opt(country)
        opt(ownerID)
        h.byte(competitorDomain ? 1 : 0)
        h.u64(UInt64(engaged.count))
        for c in engaged { h.u64(c.raw) }
        h.u64(coverage.bitPattern)
        h.u64(openOpportunities.bitPattern)
        h.u64(hierarchy.bitPattern)
        opt(firstOpenOpportunity)
        opt(hierarchyNeighbor?.rawValue)
        return h.value
    }
}

extension Context {
    /// The signature of account `a`'s inputs at this event (its signals are
    /// computed once per event and reused by the decisions that follow).
    mutating func accountSignature(_ a: Ledger.AccountHandle, _ ledger: Ledger) -> UInt64 {
        let s = accountSignals(a, ledger)
        return s.signature(
            seed: decider.versionsHash, firstOpenOpportunity: ledger.firstOpenOpportunityID(of: a),
            hierarchyNeighbor: ledger.hierarchyNeighbor(of: a))
    }
}
