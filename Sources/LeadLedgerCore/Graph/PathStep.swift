/// One step of an explanation path: the node reached and the edge used to reach it.
package struct PathStep: Sendable, Equatable {
    package var node: GraphNode
    /// The edge from the previous step (nil for the first step). `reversed`
    /// means the edge points from this node to the previous one.
    package var edge: EdgeKind?
    package var reversed: Bool
}
