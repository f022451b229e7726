/// Node types of the account knowledge graph.
public enum NodeKind: String, Sendable, CaseIterable, Codable, Comparable {
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

/// A lead's compact engagement edge (20 bytes), stored in ``EdgePool``.
struct PackedEdge: Sendable, Equatable {
    var kind: EdgeKind
    var targetKind: NodeKind
    var target: UInt32      // interned string id of the content/campaign
    var firstSeen: UInt32   // epoch seconds
    var lastSeen: UInt32
    var count: UInt32       // 0 = empty slot
    static let empty = PackedEdge(kind: .visited, targetKind: .content, target: 0, firstSeen: 0, lastSeen: 0, count: 0)
}

/// Per-lead engagement edges: a fixed block of ``capacityPerLead`` slots per
/// lead, contiguous (lead `i` owns slots `i*8 ..< i*8+8`), so recording an
/// edge scans three cache lines and allocates nothing. When a lead's block is
/// full, the edge with the oldest `lastSeen` (then lowest kind/target) is
/// replaced and ``evicted`` counts it: a lead keeps its most recent distinct
/// interactions, its counters (``EngagementAggregate``) keep everything.
struct EdgePool: Sendable, Equatable {
    static let capacityPerLead = 8
    var slots: ContiguousArray<PackedEdge> = []
    var evicted: Int = 0

    mutating func reserveCapacity(leads: Int) { slots.reserveCapacity(leads * Self.capacityPerLead) }

    mutating func addLead() { slots.append(contentsOf: repeatElement(PackedEdge.empty, count: Self.capacityPerLead)) }

    static func seconds(_ t: EventTime) -> UInt32 {
        UInt32(clamping: t.milliseconds >= 0 ? t.milliseconds / 1000 : 0)
    }

    mutating func record(lead: UInt32, kind: EdgeKind, targetKind: NodeKind, target: UInt32, at t: EventTime) {
        add(lead: lead, PackedEdge(kind: kind, targetKind: targetKind, target: target, firstSeen: Self.seconds(t), lastSeen: Self.seconds(t), count: 1))
    }

    /// Adds `e` (with its count and times) to the lead's block.
    mutating func add(lead: UInt32, _ e: PackedEdge) {
        let base = Int(lead) * Self.capacityPerLead
        var victim = -1
        var free = -1
        for i in base..<(base + Self.capacityPerLead) {
            let x = slots[i]
            if x.count == 0 {
                if free < 0 { free = i }
                continue
            }
            if x.target == e.target && x.kind == e.kind && x.targetKind == e.targetKind {
                slots[i].count &+= e.count
                if e.lastSeen > x.lastSeen { slots[i].lastSeen = e.lastSeen }
                if e.firstSeen < x.firstSeen { slots[i].firstSeen = e.firstSeen }
                return
            }
            if victim < 0 || Self.older(x, than: slots[victim]) { victim = i }
        }
        if free >= 0 {
            slots[free] = e
        } else {
            evicted += 1
            slots[victim] = e
        }
    }

    static func older(_ a: PackedEdge, than b: PackedEdge) -> Bool {
        if a.lastSeen != b.lastSeen { return a.lastSeen < b.lastSeen }
        if a.kind != b.kind { return a.kind < b.kind }
        return a.target < b.target
    }

    func edges(of lead: UInt32) -> [PackedEdge] {
        let base = Int(lead) * Self.capacityPerLead
        return slots[base..<(base + Self.capacityPerLead)].filter { $0.count > 0 }
    }

    /// Moves `from`'s edges into `into` (merging equal edges), leaving `from` empty.
    mutating func merge(_ from: UInt32, into: UInt32) {
        for e in edges(of: from) { add(lead: into, e) }
        clear(from)
    }

    mutating func clear(_ lead: UInt32) {
        let base = Int(lead) * Self.capacityPerLead
        for i in base..<(base + Self.capacityPerLead) { slots[i] = .empty }
    }
}
