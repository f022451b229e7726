/// Interned strings: each distinct string is stored once and referred to by a
/// 32-bit id, so projections hold small integers instead of strings.
/// Ids are assigned in first-seen order, so the same event sequence gives
/// the same table (and equal states).
package struct StringTable: Sendable {
    /// "No string".
    package static let none: UInt32 = .max
    var ids: [String: UInt32] = [:]
    var strings: ContiguousArray<String> = []

    /// Creates an empty table.
    package init() {}

    /// The id of `s`, adding it if new.
    package mutating func intern(_ s: String) -> UInt32 {
        if let id = ids[s] { return id }
        let id = UInt32(strings.count)
        strings.append(s)
        ids[s] = id
        return id
    }

    /// The id of `s` if interned.
    package func lookup(_ s: String) -> UInt32? { ids[s] }

    /// The string of `id` (nil for ``none``).
    package subscript(_ id: UInt32) -> String? { id == Self.none ? nil : strings[Int(id)] }

    /// Number of strings.
    package var count: Int { strings.count }
}

extension StringTable: Equatable {
    /// Equal when the same strings were interned in the same order.
    package static func == (a: StringTable, b: StringTable) -> Bool { a.strings == b.strings }
}
