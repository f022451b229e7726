import Foundation
import LeadLedgerCore

/// Fast writer of the stable record encoding: the caller emits object keys in
/// sorted (UTF-8 byte) order; floats are rounded to ``RecordJSON/decimals``
/// decimal places and written in plain decimal notation without exponent or
/// trailing zeros (`0.5`, `12`, `-0.000125`); NaN/±∞ are written as `null`.
/// No whitespace, one trailing newline per record.
///
/// The bytes live in one growable buffer written through a pointer (a record is
/// built from many small pieces: one capacity check per piece, no `Array`
/// append machinery). Copies of a writer share the buffer until one of them
/// writes (copy-on-write, like `Array`).
///
/// `@unchecked Sendable` proof: the only mutable shared thing is ``Buffer``'s
/// memory, and every write goes through ``reserve(_:)``, which first makes the
/// buffer uniquely referenced by this writer (`isKnownUniquelyReferenced`,
/// copying otherwise), so a buffer visible to another writer value (or thread)
/// is never written, only read (``bytes``, ``take()``), exactly as for `Array`.
package struct RecordJSON: @unchecked Sendable, RecordWriting {
    /// Fractional digits kept for floats.
    package static let decimals = 6
    static let scale = 1_000_000.0

    /// The written bytes' storage (capacity `capacity`, the first `count` of the writer initialized).
    ///
    /// `@unchecked Sendable` proof: its memory is written only by a writer holding the buffer
    /// as its own (``RecordJSON`` checks that on every write; ``RecordWriter`` once, when it
    /// takes the buffer, and holds the only reference while it writes); a buffer shared with
    /// another value (or thread) is only read, or given up.
    final class Buffer: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int
        init(capacity: Int) {
            self.capacity = Swift.max(capacity, 64)
            base = .allocate(capacity: self.capacity)
        }
        deinit { base.deallocate() }
    }
    var buffer: Buffer
    /// Bytes written so far.
    var count = 0
    /// Nesting depth of the open containers (at most 64).
    var depth = 0
    /// Bit `d`: the container at depth `d + 1` already has a member (a comma precedes the next one).
    var hasMember: UInt64 = 0

    package init() { buffer = Buffer(capacity: 4096) }
    /// A writer whose buffer starts with room for about `capacity` bytes (it grows as needed).
    init(capacity: Int) { buffer = Buffer(capacity: capacity) }

    /// The bytes written so far.
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer.base, count: count)) }

    /// Room for `k` more bytes in a buffer owned by this writer alone; returns where they go
    /// (write them, then add their number to `count`).
    @inline(__always) mutating func reserve(_ k: Int) -> UnsafeMutablePointer<UInt8> {
        if _slowPath(count + k > buffer.capacity || !isKnownUniquelyReferenced(&buffer)) { grow(k) }
        return buffer.base + count
    }
    /// A new buffer (its own, with room for `k` more bytes) holding the bytes written so far.
    @inline(never) mutating func grow(_ k: Int) {
        let b = Buffer(capacity: Swift.max(buffer.capacity * (count + k > buffer.capacity ? 2 : 1), count + k))
        b.base.update(from: buffer.base, count: count)
        buffer = b
    }
    /// Rounds `v` the way the writer does (for tests and for summing rounded parts).
    package static func rounded(_ v: Double) -> Double { (v * scale).rounded(.toNearestOrAwayFromZero) / scale }
}
