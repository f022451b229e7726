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
