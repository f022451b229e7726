/// A typed, timestamped edge with an interaction count.
package struct GraphEdge: Sendable, Equatable {
    package var kind: EdgeKind
    package var from: GraphNode
    package var to: GraphNode
    package var firstSeen: EventTime
    package var lastSeen: EventTime
    package var count: UInt32
}
