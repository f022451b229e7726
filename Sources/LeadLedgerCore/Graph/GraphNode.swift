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
