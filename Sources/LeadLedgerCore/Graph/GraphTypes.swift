/// Node types of the account knowledge graph.
package enum NodeKind: String, Sendable, CaseIterable, Codable, Comparable {
    case lead, account, campaign, content, opportunity, owner
    var rank: Int {
        switch self {
        case .lead: 0
        case .account: 1
        case .campaign: 2
        case .content: 3
        case .opportunity: 4
        case .owner: 5
        }
    }
    package static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// Edge types of the account knowledge graph.
package enum EdgeKind: String, Sendable, CaseIterable, Codable, Comparable {
    /// lead → account (from `account.linked`).
    case worksAt = "works_at"
    /// lead → content/campaign (tracked events, web campaigns, CRM activities).
    case engagedWith = "engaged_with"
    /// lead → campaign/content (email opens).
    case opened
    /// lead → content (email clicks).
    case clicked
    /// lead → content (page views).
    case visited
    /// account → parent account.
    case subsidiaryOf = "subsidiary_of"
    /// owner → account.
    case owns
    /// lead → opportunity.
    case onOpportunity = "on_opportunity"
    var rank: Int {
        switch self {
        case .worksAt: 0
        case .engagedWith: 1
        case .opened: 2
        case .clicked: 3
        case .visited: 4
        case .subsidiaryOf: 5
        case .owns: 6
        case .onOpportunity: 7
        }
    }
    package static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A node: its kind and its public name (lead id, account id, content path,
/// campaign name, opportunity id, owner id).
package struct GraphNode: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var kind: NodeKind
    package var name: String
    package init(_ kind: NodeKind, _ name: String) {
        self.kind = kind
        self.name = name
    }
    package static func < (a: Self, b: Self) -> Bool {
        a.kind != b.kind ? a.kind < b.kind : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
    package var description: String { "\(kind.rawValue):\(name)" }
}

/// A typed, timestamped edge with an interaction count.
package struct GraphEdge: Sendable, Equatable {
    package var kind: EdgeKind
    package var from: GraphNode
    package var to: GraphNode
    package var firstSeen: EventTime
    package var lastSeen: EventTime
    package var count: UInt32
}

/// One step of an explanation path: the node reached and the edge used to reach it.
package struct PathStep: Sendable, Equatable {
    package var node: GraphNode
    /// The edge from the previous step (nil for the first step). `reversed`
    /// means the edge points from this node to the previous one.
    package var edge: EdgeKind?
    package var reversed: Bool
}

/// A lead's compact engagement edge (20 bytes), stored in ``EdgePool``.
struct PackedEdge: Sendable, Equatable {
    var kind: EdgeKind
    var targetKind: NodeKind
    var target: UInt32  // interned string id of the content/campaign
    var firstSeen: UInt32  // epoch seconds
    var lastSeen: UInt32
    var count: UInt32  // 0 = empty slot
    static let empty = PackedEdge(kind: .visited, targetKind: .content, target: 0, firstSeen: 0, lastSeen: 0, count: 0)
}

/// A lead's engagement edges: a fixed block of ``capacity`` slots stored
/// inline in the lead's record (no pointer, no allocation; one lead's
/// counters and edges sit in adjacent cache lines). When the block is full,
/// the edge with the oldest `lastSeen` (then lowest kind/target) is replaced
/// and the caller counts the eviction: a lead keeps its most recent distinct
/// interactions, its counters (``EngagementAggregate``) keep everything.
struct EdgeBlock: Sendable {
    static let capacity = 8
    var storage: (PackedEdge, PackedEdge, PackedEdge, PackedEdge, PackedEdge, PackedEdge, PackedEdge, PackedEdge) =
        (.empty, .empty, .empty, .empty, .empty, .empty, .empty, .empty)

    subscript(_ i: Int) -> PackedEdge {
        get {
            precondition(i >= 0 && i < Self.capacity)
            return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: i * MemoryLayout<PackedEdge>.stride, as: PackedEdge.self) }
        }
        set {
            precondition(i >= 0 && i < Self.capacity)
            withUnsafeMutableBytes(of: &storage) {
                $0.storeBytes(of: newValue, toByteOffset: i * MemoryLayout<PackedEdge>.stride, as: PackedEdge.self)
            }
        }
    }

    static func seconds(_ t: EventTime) -> UInt32 {
        UInt32(clamping: t.milliseconds >= 0 ? t.milliseconds / 1000 : 0)
    }

    /// Records one interaction; returns true if an older edge was evicted.
    mutating func record(kind: EdgeKind, targetKind: NodeKind, target: UInt32, at t: EventTime) -> Bool {
        add(PackedEdge(kind: kind, targetKind: targetKind, target: target, firstSeen: Self.seconds(t), lastSeen: Self.seconds(t), count: 1))
    }

    /// Adds `e` (with its count and times); returns true if an older edge was evicted.
    mutating func add(_ e: PackedEdge) -> Bool {
        var victim = -1
        var free = -1
        for i in 0..<Self.capacity {
            let x = self[i]
            if x.count == 0 {
                if free < 0 { free = i }
                continue
            }
            if x.target == e.target && x.kind == e.kind && x.targetKind == e.targetKind {
                var y = x
                y.count &+= e.count
                if e.lastSeen > x.lastSeen { y.lastSeen = e.lastSeen }
                if e.firstSeen < x.firstSeen { y.firstSeen = e.firstSeen }
                self[i] = y
                return false
            }
            if victim < 0 || Self.older(x, than: self[victim]) { victim = i }
        }
        if free >= 0 {
            self[free] = e
            return false
        }
        self[victim] = e
        return true
    }

    static func older(_ a: PackedEdge, than b: PackedEdge) -> Bool {
        if a.lastSeen != b.lastSeen { return a.lastSeen < b.lastSeen }
        if a.kind != b.kind { return a.kind < b.kind }
        return a.target < b.target
    }

    /// The occupied slots, in slot order.
    var edges: [PackedEdge] { (0..<Self.capacity).map { self[$0] }.filter { $0.count > 0 } }

    /// Adds all of `other`'s edges; returns the number of evictions.
    mutating func merge(_ other: EdgeBlock) -> Int {
        var n = 0
        for e in other.edges where add(e) { n += 1 }
        return n
    }
}

extension EdgeBlock: Equatable {
    static func == (a: Self, b: Self) -> Bool { (0..<capacity).allSatisfy { a[$0] == b[$0] } }
}
