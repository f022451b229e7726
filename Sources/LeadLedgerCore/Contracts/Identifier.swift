/// One identifier of a person.
package struct Identifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var kind: IdentifierKind
    package var value: String
    package init(_ kind: IdentifierKind, _ value: String) {
        self.kind = kind
        self.value = value
    }
    /// `kind:value`, the union-find key.
    package var key: String { kind.rawValue + ":" + value }
    package var description: String { key }
    package static func < (a: Identifier, b: Identifier) -> Bool { a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
}
