import LeadLedgerCore

/// Which open leads a rule-set switch takes away from their owner, and why: the
/// pure part of reassignment (``Decider/reassignOwners(after:ledger:logPartition:logOffset:source:state:)``).
///
/// A lead is checked when its open route holds an owner's capacity slot (an
/// owner chosen by the account owner or a territory's round-robin, not pinned
/// by an override). Its owner stays when the rules now in force would keep it,
/// as the next decision of the lead would:
/// - with `account_owner_first` and an account owner, only that owner covers
///   the lead (``ReassignmentReason/notAccountOwner(_:)`` otherwise);
/// - else the owner must be one of the owners of the first territory matching
///   the lead (``ReassignmentReason/ownerRemoved`` when it is in no territory of
///   the rules, ``ReassignmentReason/outsideTerritory(_:)`` when it is in another
///   one or no territory matches the lead);
/// - and, for an owner kept by a territory, its open routes must fit its
///   `capacity` there: the leads of an owner over capacity are kept in lead-id
///   order up to the capacity and the rest are reassigned
///   (``ReassignmentReason/overCapacity(_:)``). Routes that are not checked (an
///   account owner's, an override's) count against the capacity first.
package enum ReassignmentPolicy {
    /// The route of one open lead that holds an owner's capacity slot, with the
    /// lead inputs routing reads.
    package struct Holding: Sendable, Equatable {
        package var lead: LeadID
        /// The lead's current owner.
        package var owner: String
        /// The lead's country (else its account's), as routing reads it.
        package var country: String?
        /// The lead's company size (else its account's).
        package var employees: Double?
        /// The owner of the lead's account in the CRM, when it has one.
        package var accountOwner: String?

        package init(lead: LeadID, owner: String, country: String?, employees: Double?, accountOwner: String?) {
            self.lead = lead
            self.owner = owner
            self.country = country
            self.employees = employees
            self.accountOwner = accountOwner
        }
    }

    /// One lead to reassign.
    package struct Move: Sendable, Equatable {
        package var lead: LeadID
        /// The owner it leaves.
        package var owner: String
        package var reason: ReassignmentReason
    }

    /// The leads of `holdings` (sorted by lead id) that `rules` take away from
    /// their owner, in lead-id order. `load` is the number of open routes per owner
    /// that count against its capacity (``DecisionState/ownerLoad``), `holdings`
    /// included.
    package static func moves(_ holdings: [Holding], rules: RoutingRules, load: [String: Int]) -> [Move] {
        var listed = Set<String>()
        for territory in rules.territories { for owner in territory.owners { listed.insert(owner.id) } }
        var verdicts: [ReassignmentReason?] = Array(repeating: nil, count: holdings.count)
        // Holdings kept by a territory so far, with that owner's capacity there.
        var capacityChecks: [(index: Int, capacity: Int)] = []
        // Per owner: the open routes that are not up for a capacity check (an account owner's, an override's).
        var fixedLoad = load
        for (index, holding) in holdings.enumerated() {
            if rules.accountOwnerFirst, let accountOwner = holding.accountOwner {
                if holding.owner != accountOwner {
                    verdicts[index] = .notAccountOwner(accountOwner)
                    fixedLoad[holding.owner, default: 1] -= 1
                }
                continue
            }
            fixedLoad[holding.owner, default: 1] -= 1
            let country = holding.country?.uppercased()
            let territory = rules.territories.first { $0.matches(uppercasedCountry: country, employees: holding.employees) }
            guard listed.contains(holding.owner) else {
                verdicts[index] = .ownerRemoved
                continue
            }
            guard let territory, let entry = territory.owners.first(where: { $0.id == holding.owner }) else {
                verdicts[index] = .outsideTerritory(territory?.name)
                continue
            }
            capacityChecks.append((index, entry.capacity))
        }
        for (index, capacity) in capacityChecks {
            let owner = holdings[index].owner
            if fixedLoad[owner, default: 0] < capacity {
                fixedLoad[owner, default: 0] += 1
            } else {
                verdicts[index] = .overCapacity(capacity)
            }
        }
        var moves: [Move] = []
        for (holding, verdict) in zip(holdings, verdicts) {
            if let verdict { moves.append(Move(lead: holding.lead, owner: holding.owner, reason: verdict)) }
        }
        return moves
    }
}
