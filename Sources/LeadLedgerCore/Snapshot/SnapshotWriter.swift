/// Appends little-endian fixed-width integers, LEB128 varints and
/// length-prefixed UTF-8 strings to a buffer it owns (no per-byte array
/// uniqueness checks). Used by value inside one function: create, write,
/// ``take()`` exactly once (which frees the buffer); never copy it.
package struct SnapshotWriter {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    package init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always) package mutating func ensure(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    package mutating func grow(_ need: Int) {
        var c = capacity * 2
        while c < need { c *= 2 }
        let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        nb.update(from: base, count: count)
        base.deallocate()
        base = nb
        capacity = c
    }

    /// Overwrites an already written byte (header patching).
    package mutating func patch(_ at: Int, _ v: UInt8) {
        precondition(at < count)
        base[at] = v
    }

    /// The written bytes so far, without copying (valid until the next write).
    package var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes; frees the buffer (the writer must not be used afterwards).
    package mutating func take() -> [UInt8] {
        let a = Array(written)
        base.deallocate()
        capacity = 0
        return a
    }

    @inline(__always) package mutating func u8(_ v: UInt8) {
        ensure(1)
        base[count] = v
        count += 1
    }
    package mutating func append(_ bytes: [UInt8]) { for b in bytes { u8(b) } }
    @inline(__always) package mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    package mutating func u32(_ v: UInt32) { for k in 0..<4 { u8(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) } }
    @inline(__always) package mutating func u64(_ v: UInt64) {
        ensure(8)
        for k in 0..<8 { base[count + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        count += 8
    }
    package mutating func f64(_ v: Double) { u64(v.bitPattern) }

    /// Unsigned LEB128.
    @inline(__always) package mutating func varint(_ v0: UInt64) {
        ensure(10)
        var v = v0
        var n = count
        while v >= 0x80 {
            base[n] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            n += 1
        }
        base[n] = UInt8(v)
        count = n + 1
    }
    /// Inserts a varint at `at`, moving the bytes written after it: for a value
    /// (a presence mask, a length) known only once what follows it is written.
    package mutating func insertVarint(_ v: UInt64, at: Int) {
        precondition(at <= count)
        var length = 1
        while v >> (7 * UInt64(length)) != 0 { length += 1 }
        ensure(length)
        var i = count
        while i > at {
            i -= 1
            base[i + length] = base[i]
        }
        var rest = v
        for k in 0..<length {
            base[at + k] = UInt8(truncatingIfNeeded: rest) | (k < length - 1 ? 0x80 : 0)
            rest >>= 7
        }
        count += length
    }
    @inline(__always) package mutating func varint(_ v: Int) { varint(UInt64(v)) }  // callers pass non-negative counts
    @inline(__always) package mutating func varint(_ v: UInt32) { varint(UInt64(v)) }
    /// Zig-zag signed varint.
    @inline(__always) package mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    /// An index where `UInt32.max` means none: written as `v + 1`, none as 0.
    @inline(__always) package mutating func optIndex(_ v: UInt32) { varint(v == .max ? 0 : UInt64(v) + 1) }
    /// An event time in epoch ms; the sentinels `Int64.min`/`Int64.max` take one byte.
    @inline(__always) package mutating func time(_ t: Int64) {
        if t == .min {
            varint(0 as UInt64)
        } else if t == .max {
            varint(1 as UInt64)
        } else {
            varint(UInt64(bitPattern: (t << 1) ^ (t >> 63)) + 2)
        }
    }
    package mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { lengthPrefixed($0) }
    }
    /// Bytes with their length in front: what ``string(_:)`` and
    /// ``byteString(_:)`` write, for a caller that holds the bytes already.
    package mutating func lengthPrefixed(_ u: UnsafeBufferPointer<UInt8>) {
        varint(u.count)
        ensure(u.count)
        if let p = u.baseAddress { (base + count).update(from: p, count: u.count) }
        count += u.count
    }
    package mutating func optString(_ s: String?) {
        if let s {
            u8(1)
            string(s)
        } else {
            u8(0)
        }
    }
    package mutating func optInt(_ v: Int?) {
        if let v {
            u8(1)
            zigzag(Int64(v))
        } else {
            u8(0)
        }
    }
    /// Writes a table keyed by index: its count, then each key followed by what
    /// `value` writes for it, in key order (nothing hash-ordered).
    package mutating func sortedTable<Value>(_ table: [UInt32: Value], _ value: (inout SnapshotWriter, Value) -> Void) {
        varint(table.count)
        for key in table.keys.sorted() {
            varint(key)
            value(&self, table[key]!)
        }
    }
    /// A length-prefixed byte string copied as it is (e.g. a nested snapshot
    /// with its own envelope).
    package mutating func byteString(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { lengthPrefixed($0) }
    }
    /// Strings as a count, then each ``string(_:)``.
    package mutating func strings(_ a: [String]) {
        varint(a.count)
        for s in a { string(s) }
    }
    package mutating func indices(_ a: [UInt32]) {
        varint(a.count)
        for x in a { varint(x) }
    }
}
