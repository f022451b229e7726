/// Eleven counters, one per ``ContentCategory``, stored inline (no heap).
package struct CategoryCounts: Sendable, Equatable {
    var storage: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    )
    /// Number of counters.
    package static let count = 11

    package init() {}

    /// The counter of category index `i` (``ContentCategory/index``).
    package subscript(_ i: Int) -> UInt32 {
        get {
            precondition(i >= 0 && i < Self.count)
            return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: i * 4, as: UInt32.self) }
        }
        set {
            precondition(i >= 0 && i < Self.count)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: i * 4, as: UInt32.self) }
        }
    }

    package static func == (a: Self, b: Self) -> Bool { (0..<count).allSatisfy { a[$0] == b[$0] } }
}
