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
