import LeadLedgerCore

/// The per-lead part of ``DecisionState``: one flat table of ``LeadState``
/// values in first-seen order, found through a ``LeadIndexMap``.
///
/// A `[LeadID: LeadState]` dictionary keeps its values in a hash-table array
/// that is at most three-quarters full and doubles when it grows, so with a
/// value of this size most of its memory is empty buckets. Here the states are
/// dense and the map from id to slot holds 12-byte entries. A lead is never
/// removed (a merged or erased lead keeps a closed decision), so slots are
/// stable: a caller may look a lead's slot up once and read and write the state
/// in place through it while it inserts no other lead.
///
/// Equality compares the id → state pairs, not the insertion order.
package struct LeadStateTable: Sendable {
    private var index = LeadIndexMap()
    private var ids: ContiguousArray<LeadID> = []
    private var states: ContiguousArray<LeadState> = []

    /// An empty table.
    package init() {}

    /// The number of leads with a state.
    package var count: Int { states.count }

    /// Makes room for `n` leads.
    package mutating func reserveCapacity(_ n: Int) {
        index.reserveCapacity(n)
        ids.reserveCapacity(n)
        states.reserveCapacity(n)
    }

    /// The ids of every lead with a state, sorted (the order snapshots and
    /// owner reassignment walk them in).
    package func sortedIDs() -> [LeadID] { ids.sorted() }

    /// Every lead with its slot, sorted by id: a walk in id order that reads each
    /// state through its slot instead of looking every id up again.
    package func sortedSlots() -> [(id: LeadID, slot: Int)] {
        ids.enumerated().map { (id: $0.element, slot: $0.offset) }.sorted { $0.id < $1.id }
    }

    /// The slot of `id`'s state, nil when the lead has none.
    package func slot(of id: LeadID) -> Int? { index[id].map(Int.init) }

    /// The slot of `id`'s state, inserting an empty state first when it has none.
    package mutating func slot(inserting id: LeadID) -> Int {
        if let i = index[id] { return Int(i) }
        let i = states.count
        index[id] = UInt32(i)
        ids.append(id)
        states.append(LeadState())
        return i
    }

    /// The state in `slot` (from ``slot(of:)`` or ``slot(inserting:)``), read and written in place.
    package subscript(slot slot: Int) -> LeadState {
        get { states[slot] }
        _modify { yield &states[slot] }
    }

    /// The state of `id`, nil when the lead has none. Setting a state inserts
    /// the lead if needed; a state is never removed, so setting nil is a
    /// programming error.
    package subscript(id: LeadID) -> LeadState? {
        get { index[id].map { states[Int($0)] } }
        set {
            guard let newValue else { preconditionFailure("LeadStateTable never removes a lead") }
            let i = slot(inserting: id)
            states[i] = newValue
        }
    }

    /// The state of `id`, read and written in place, created empty when the lead has none.
    package subscript(inserting id: LeadID) -> LeadState {
        get { index[id].map { states[Int($0)] } ?? LeadState() }
        _modify {
            let i = slot(inserting: id)
            yield &states[i]
        }
    }
}

extension LeadStateTable: Equatable {
    /// Equal when both hold the same id → state pairs (insertion order does not matter).
    package static func == (a: Self, b: Self) -> Bool {
        guard a.count == b.count else { return false }
        for (i, id) in a.ids.enumerated() where b[id] != a.states[i] { return false }
        return true
    }
}
