/// Node types of the account knowledge graph.
public enum NodeKind: String, Sendable, CaseIterable, Codable, Comparable {
    case lead, account, campaign, content, opportunity, owner
    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// Edge types of the account knowledge graph.
public enum EdgeKind: String, Sendable, CaseIterable, Codable, Comparable {
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
    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A node: its kind and its public name (lead id, account id, content path,
/// campaign name, opportunity id, owner id).
public struct GraphNode: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var kind: NodeKind
    public var name: String
    public init(_ kind: NodeKind, _ name: String) {
        self.kind = kind
        self.name = name
    }
    public static func < (a: Self, b: Self) -> Bool {
        a.kind != b.kind ? a.kind < b.kind : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
    public var description: String { "\(kind.rawValue):\(name)" }
}

/// A typed, timestamped edge with an interaction count.
public struct GraphEdge: Sendable, Equatable {
    public var kind: EdgeKind
    public var from: GraphNode
    public var to: GraphNode
    public var firstSeen: EventTime
    public var lastSeen: EventTime
    public var count: UInt32
}

/// One step of an explanation path: the node reached and the edge used to reach it.
public struct PathStep: Sendable, Equatable {
    public var node: GraphNode
    /// The edge from the previous step (nil for the first step). `reversed`
    /// means the edge points from this node to the previous one.
    public var edge: EdgeKind?
    public var reversed: Bool
}

/// A lead's compact engagement edge, stored in ``EdgePool``.
struct PackedEdge: Sendable, Equatable {
    var kind: EdgeKind
    var targetKind: NodeKind
    var target: UInt32      // interned string id of the content/campaign
    var firstSeen: UInt32   // epoch seconds
    var lastSeen: UInt32
    var count: UInt32
    var next: UInt32        // next edge of the same lead, or .max
}

/// Per-lead engagement edges in one flat pool (a linked list per lead), at
/// most ``capacityPerLead`` distinct edges per lead: when full, the edge
/// with the oldest `lastSeen` (then lowest kind/target) is replaced, and
/// ``evicted`` counts it. No per-lead allocation.
struct EdgePool: Sendable, Equatable {
    static let capacityPerLead = 12
    var edges: ContiguousArray<PackedEdge> = []
    var head: ContiguousArray<UInt32> = []
    var evicted: Int = 0

    mutating func addLead() { head.append(.max) }

    static func seconds(_ t: EventTime) -> UInt32 {
        UInt32(clamping: t.milliseconds >= 0 ? t.milliseconds / 1000 : 0)
    }

    mutating func record(lead: UInt32, kind: EdgeKind, targetKind: NodeKind, target: UInt32, at t: EventTime) {
        let s = Self.seconds(t)
        var i = head[Int(lead)]
        var n = 0
        var victim = UInt32.max
        while i != .max {
            let e = edges[Int(i)]
            if e.target == target && e.kind == kind && e.targetKind == targetKind {
                edges[Int(i)].count &+= 1
                if s > e.lastSeen { edges[Int(i)].lastSeen = s }
                if s < e.firstSeen { edges[Int(i)].firstSeen = s }
                return
            }
            if victim == .max || Self.older(e, than: edges[Int(victim)]) { victim = i }
            n += 1
            i = e.next
        }
        if n >= Self.capacityPerLead {
            evicted += 1
            let next = edges[Int(victim)].next
            edges[Int(victim)] = PackedEdge(kind: kind, targetKind: targetKind, target: target, firstSeen: s, lastSeen: s, count: 1, next: next)
            return
        }
        edges.append(PackedEdge(kind: kind, targetKind: targetKind, target: target, firstSeen: s, lastSeen: s, count: 1, next: head[Int(lead)]))
        head[Int(lead)] = UInt32(edges.count - 1)
    }

    static func older(_ a: PackedEdge, than b: PackedEdge) -> Bool {
        if a.lastSeen != b.lastSeen { return a.lastSeen < b.lastSeen }
        if a.kind != b.kind { return a.kind < b.kind }
        return a.target < b.target
    }

    func edges(of lead: UInt32) -> [PackedEdge] {
        var out: [PackedEdge] = []
        var i = head[Int(lead)]
        while i != .max {
            out.append(edges[Int(i)])
            i = edges[Int(i)].next
        }
        return out
    }

    /// Moves `from`'s edges into `into` (merging equal edges), leaving `from` empty.
    mutating func merge(_ from: UInt32, into: UInt32) {
        for e in edges(of: from) {
            var i = head[Int(into)]
            var found = false
            while i != .max {
                if edges[Int(i)].target == e.target && edges[Int(i)].kind == e.kind && edges[Int(i)].targetKind == e.targetKind {
                    edges[Int(i)].count &+= e.count
                    edges[Int(i)].firstSeen = min(edges[Int(i)].firstSeen, e.firstSeen)
                    edges[Int(i)].lastSeen = max(edges[Int(i)].lastSeen, e.lastSeen)
                    found = true
                    break
                }
                i = edges[Int(i)].next
            }
            if !found {
                // Re-record with the same counts through the capacity rule.
                record(lead: into, kind: e.kind, targetKind: e.targetKind, target: e.target, at: EventTime(seconds: Int64(e.firstSeen)))
                var j = head[Int(into)]
                while j != .max {
                    if edges[Int(j)].target == e.target && edges[Int(j)].kind == e.kind && edges[Int(j)].targetKind == e.targetKind {
                        edges[Int(j)].count = e.count
                        edges[Int(j)].lastSeen = e.lastSeen
                        break
                    }
                    j = edges[Int(j)].next
                }
            }
        }
        // Orphan the absorbed list (its slots stay allocated; merges are rare).
        head[Int(from)] = .max
    }

    mutating func clear(_ lead: UInt32) { head[Int(lead)] = .max }
}
