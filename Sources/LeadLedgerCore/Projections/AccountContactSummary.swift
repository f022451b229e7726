// MARK: - Per-account contact summary
//
// Derived state of ``Ledger`` kept up to date on every apply, so that the
// decider's per-decision account signals (buying-center coverage, engaged
// contacts) do not walk every contact of the account (a memory-bound walk:
// three scattered rows per contact).
//
// Invariants, for every account `a` (checked by `==` after a snapshot round
// trip, which rebuilds the summary from the primary columns):
// - `roleCounts[i]` = number of direct contacts whose buying role (as
//   ``Contact/role``: `BuyingRole(rawValue:) ?? .user`) is `BuyingRole.allCases[i]`;
// - `engagedIDs` = the lead ids of the direct contacts that have engaged
//   (`lastEngaged != .min`), sorted ascending, without duplicates;
// - `engagedMin` / `engagedMax` = the least / greatest `lastEngaged` over those
//   contacts (`Int64.max` / `Int64.min` when there is none).
// Only exact values are kept (no bounds), so the summary is a pure function of
// the primary state and equal ledgers have equal summaries.

/// What the ledger keeps per account about its direct contacts (see the invariants above).
struct AccountContactSummary: Sendable, Equatable {
    var roleCounts = SIMD8<UInt32>()
    var engagedIDs: [LeadID] = []
    var engagedMin: Int64 = .max
    var engagedMax: Int64 = .min
}

extension Ledger {
    /// `BuyingRole.allCases`, built once.
    static let buyingRoles = BuyingRole.allCases

    /// Position in `BuyingRole.allCases` of the lead's buying role (``Contact/role``), from the attribute's id.
    func roleOrdinal(ofValue v: UInt32) -> Int {
        let role = strings[v].flatMap(BuyingRole.init(rawValue:)) ?? .user
        return Self.buyingRoles.firstIndex(of: role)!
    }

    func roleOrdinal(_ li: UInt32) -> Int {
        roleOrdinal(ofValue: attrs[lead: Int(li), name: .buyingRole].value)
    }

    /// Lead `li` was appended to account `a`'s contacts.
    mutating func summaryAdd(_ li: UInt32, to a: UInt32) {
        accounts[Int(a)].summary.roleCounts[roleOrdinal(li)] &+= 1
        let t = hot[Int(li)].engagement.lastEngaged
        if t != .min { summaryInsertEngaged(li, a, t) }
    }

    /// Lead `li` was removed from account `a`'s contacts (its role and engagement unchanged since).
    mutating func summaryRemove(_ li: UInt32, from a: UInt32) {
        accounts[Int(a)].summary.roleCounts[roleOrdinal(li)] &-= 1
        guard hot[Int(li)].engagement.lastEngaged != .min else { return }
        let id = leadIDs[Int(li)]
        let k = Self.lowerBound(id, in: accounts[Int(a)].summary.engagedIDs)
        if k < accounts[Int(a)].summary.engagedIDs.count, accounts[Int(a)].summary.engagedIDs[k] == id {
            accounts[Int(a)].summary.engagedIDs.remove(at: k)
        }
        summaryRecomputeBounds(a)
    }

    /// The buying-role attribute of `li` changed from the value id `old` (the new one is in `attrs`).
    mutating func summaryRoleChanged(_ li: UInt32, old: UInt32) {
        let a = hot[Int(li)].account
        guard a != Self.noIndex else { return }
        let before = roleOrdinal(ofValue: old)
        let after = roleOrdinal(li)
        guard before != after else { return }
        accounts[Int(a)].summary.roleCounts[before] &-= 1
        accounts[Int(a)].summary.roleCounts[after] &+= 1
    }

    /// The `lastEngaged` of `li` changed from `old` (the new one is in `hot`).
    mutating func summaryEngagedChanged(_ li: UInt32, old: Int64) {
        let a = hot[Int(li)].account
        let t = hot[Int(li)].engagement.lastEngaged
        guard a != Self.noIndex, t != old else { return }
        if old == .min {
            summaryInsertEngaged(li, a, t)
            return
        }
        let lo = accounts[Int(a)].summary.engagedMin
        let hi = accounts[Int(a)].summary.engagedMax
        if t > old {
            // The usual case (apply and merge only raise it): the greatest follows; the least
            // changes only when it was this contact's (then it is recomputed).
            if old == lo {
                summaryRecomputeBounds(a)
                return
            }
            if t > hi { accounts[Int(a)].summary.engagedMax = t }
        } else {
            summaryRecomputeBounds(a)
        }
    }

    mutating func summaryInsertEngaged(_ li: UInt32, _ a: UInt32, _ t: Int64) {
        let id = leadIDs[Int(li)]
        let k = Self.lowerBound(id, in: accounts[Int(a)].summary.engagedIDs)
        if k == accounts[Int(a)].summary.engagedIDs.count || accounts[Int(a)].summary.engagedIDs[k] != id {
            accounts[Int(a)].summary.engagedIDs.insert(id, at: k)
        }
        if t < accounts[Int(a)].summary.engagedMin { accounts[Int(a)].summary.engagedMin = t }
        if t > accounts[Int(a)].summary.engagedMax { accounts[Int(a)].summary.engagedMax = t }
    }

    /// Recomputes `engagedMin` / `engagedMax` of `a` from its contacts.
    mutating func summaryRecomputeBounds(_ a: UInt32) {
        var lo = Int64.max
        var hi = Int64.min
        for li in accounts[Int(a)].contacts {
            let t = hot[Int(li)].engagement.lastEngaged
            if t == .min { continue }
            if t < lo { lo = t }
            if t > hi { hi = t }
        }
        accounts[Int(a)].summary.engagedMin = lo
        accounts[Int(a)].summary.engagedMax = hi
    }

    /// Rebuilds every account's summary from the primary columns (after a snapshot load).
    mutating func rebuildContactSummaries() {
        for a in accounts.indices {
            accounts[a].summary = AccountContactSummary()
            for li in accounts[a].contacts { summaryAdd(li, to: UInt32(a)) }
        }
    }

    /// First index in the sorted `ids` whose element is not below `id`.
    static func lowerBound(_ id: LeadID, in ids: [LeadID]) -> Int {
        var lo = 0
        var hi = ids.count
        while lo < hi {
            let m = (lo + hi) / 2
            if ids[m] < id { lo = m + 1 } else { hi = m }
        }
        return lo
    }

    /// The buying roles present among the account's direct contacts, as a bit set:
    /// bit `i` is `BuyingRole.allCases[i]` (the roles ``forEachContact(of:_:)`` reports).
    /// Kept up to date on apply: no walk over the contacts.
    package func contactRoles(of a: AccountHandle) -> UInt8 {
        let c = accounts[Int(a.index)].summary.roleCounts
        var bits: UInt8 = 0
        for i in 0..<Self.buyingRoles.count where c[i] != 0 { bits |= 1 << UInt8(i) }
        return bits
    }

    /// The ids, sorted, of the account's direct contacts whose last engagement lies in
    /// `window` (ms, inclusive), when every engaged direct contact's last engagement lies
    /// in it (then they are all of them, kept sorted on apply: no walk, no copy); nil when
    /// some engaged contact is outside the window (the caller then filters the contacts itself).
    package func engagedContactIDs(of a: AccountHandle, ifAllWithin window: ClosedRange<Int64>) -> [LeadID]? {
        let s = accounts[Int(a.index)].summary
        if s.engagedIDs.isEmpty { return [] }
        guard window.contains(s.engagedMin), window.contains(s.engagedMax) else { return nil }
        return s.engagedIDs
    }

    /// As ``engagedContactIDs(of:ifAllWithin:)`` over the whole hierarchy below the account
    /// (the lead ids of `engagedContacts(of:in:)`, sorted): nil when an engaged contact of any
    /// account of the hierarchy is outside the window.
    package func engagedContactIDs(ofHierarchy a: AccountHandle, ifAllWithin window: ClosedRange<Int64>) -> [LeadID]? {
        var out: [LeadID] = []
        var inWindow = true
        forEachInHierarchy(a.index) { x in
            let s = accounts[Int(x)].summary
            guard inWindow, !s.engagedIDs.isEmpty else { return }
            if window.contains(s.engagedMin) && window.contains(s.engagedMax) {
                out.append(contentsOf: s.engagedIDs)
            } else {
                inWindow = false
            }
        }
        guard inWindow else { return nil }
        out.sort()  // lead ids are unique across accounts (a lead has one account)
        return out
    }

    /// `rolledUpEngagement(of:).total` by handle: the interaction totals of the account and every
    /// subsidiary below it (wrapping sum, as ``AccountEngagement/add(_:)``).
    package func rolledUpEngagementTotal(of a: AccountHandle) -> UInt32 {
        var total: UInt32 = 0
        forEachInHierarchy(a.index) { total &+= accounts[Int($0)].engagement.total }
        return total
    }
}
