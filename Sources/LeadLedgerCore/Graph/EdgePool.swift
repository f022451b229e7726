/// The leads' interaction edges (pages, content and campaigns they engaged
/// with): an ``EdgeBlock`` for each lead that has any, in one pool, and a
/// 4-byte reference per lead.
///
/// A lead's row used to hold its block inline: eight packed edges, 160 bytes,
/// the largest part of the row, for every lead, although most leads of a large
/// CRM have no web or email interaction yet. A block is taken from the pool at
/// a lead's first edge and kept (cleared) when a merge or an erasure empties it.
///
/// Equality compares each lead's edges, not where the pool keeps them: a
/// ledger restored from a snapshot takes its blocks in lead order, the one that
/// wrote it in first-edge order.
struct EdgePool: Sendable {
    /// Per lead index: its block in ``blocks``, or `.max` for none.
    private var refs: ContiguousArray<UInt32> = []
    private var blocks: ContiguousArray<EdgeBlock> = []

    init() {}

    /// Makes room for `n` leads.
    mutating func reserveCapacity(leads n: Int) { refs.reserveCapacity(n) }

    /// Adds a lead without edges (the next lead index).
    mutating func appendLead() { refs.append(.max) }

    /// The edges of lead `li`, read or changed in place (a block is taken for a lead that has none).
    subscript(lead li: Int) -> EdgeBlock {
        get {
            let r = refs[li]
            return r == .max ? EdgeBlock() : blocks[Int(r)]
        }
        _modify {
            if refs[li] == .max {
                refs[li] = UInt32(blocks.count)
                blocks.append(EdgeBlock())
            }
            yield &blocks[Int(refs[li])]
        }
    }

    /// Removes every edge of lead `li`.
    mutating func clear(lead li: Int) {
        let r = refs[li]
        if r != .max { blocks[Int(r)] = EdgeBlock() }
    }
}

extension EdgePool: Equatable {
    /// Equal when every lead has the same edges.
    static func == (a: Self, b: Self) -> Bool {
        a.refs.count == b.refs.count && a.refs.indices.allSatisfy { a[lead: $0] == b[lead: $0] }
    }
}
