import Foundation
import LeadLedgerCore

/// The decider's record writer: as ``RecordJSON`` (the same writes, through
/// ``RecordWriting``), but noncopyable, so the buffer it holds is referenced by no other
/// writer while it writes and a write checks the capacity only (``RecordJSON`` checks, on
/// every write, that its buffer is not shared with a copy: a runtime call per write).
/// Its buffer is taken from, and given back to, a ``DecisionState``'s scratch.
struct RecordWriter: ~Copyable, RecordWriting {
    /// The only reference to this buffer while the writer holds it (see ``init(taking:)``).
    private(set) var buffer: RecordJSON.Buffer
    var count = 0
    var depth = 0
    var hasMember: UInt64 = 0

    /// A writer with the buffer in `slot` (left nil) when nothing else references it, else
    /// with a new one (a copy of the state that held it may still use it).
    init(taking slot: inout RecordJSON.Buffer?) {
        var b: RecordJSON.Buffer?
        swap(&b, &slot)
        buffer = isKnownUniquelyReferenced(&b) ? b! : RecordJSON.Buffer(capacity: 4096)
    }

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer.base, count: count)) }

    @inline(__always) mutating func reserve(_ k: Int) -> UnsafeMutablePointer<UInt8> {
        if _slowPath(count + k > buffer.capacity) { grow(k) }
        return buffer.base + count
    }
    /// A larger buffer (twice the capacity, at least `k` more bytes) holding the bytes written so far.
    @inline(never) mutating func grow(_ k: Int) {
        let b = RecordJSON.Buffer(capacity: Swift.max(buffer.capacity * 2, count + k))
        b.base.update(from: buffer.base, count: count)
        buffer = b
    }
}
