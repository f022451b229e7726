/// Reads what ``SnapshotWriter`` wrote; every read is bounds-checked and
/// throws instead of trapping. Reads inside a verified payload that run out
/// of bytes or find impossible values throw ``SnapshotError/Code/corrupt``.
package struct SnapshotReader {
    package let bytes: [UInt8]
    package var position: Int
    package let end: Int
    /// Where the reader started: errors name positions relative to it.
    package let start: Int

    package init(_ bytes: [UInt8], from: Int, to end: Int) {
        self.bytes = bytes
        position = from
        start = from
        self.end = end
    }

    package var remaining: Int { end - position }
    package var atEnd: Bool { position == end }

    package func fail(_ what: String, _ why: String) -> SnapshotError {
        SnapshotError(.corrupt, "\(what) at payload byte \(position - start): \(why)")
    }

    @inline(__always) package mutating func u8(_ what: String) throws(SnapshotError) -> UInt8 {
        guard position < end else { throw fail(what, "payload ends early") }
        defer { position += 1 }
        return bytes[position]
    }
    package mutating func bool(_ what: String) throws(SnapshotError) -> Bool {
        let b = try u8(what)
        guard b <= 1 else { throw fail(what, "boolean byte \(b)") }
        return b == 1
    }
    package mutating func u32(_ what: String) throws(SnapshotError) -> UInt32 { try littleEndian(what) }
    package mutating func u64(_ what: String) throws(SnapshotError) -> UInt64 { try littleEndian(what) }
    /// A fixed-width little-endian unsigned integer.
    package mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_ what: String) throws(SnapshotError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw fail(what, "payload ends early") }
        var v: T = 0
        for k in 0..<size { v |= T(bytes[position + k]) << (8 * k) }
        position += size
        return v
    }
    package mutating func f64(_ what: String) throws(SnapshotError) -> Double { Double(bitPattern: try u64(what)) }
    /// A fixed-width big-endian unsigned integer: only for reading formats written
    /// before every snapshot went through ``SnapshotWriter`` (decision state version 4).
    package mutating func bigEndian<T: FixedWidthInteger & UnsignedInteger>(_ what: String) throws(SnapshotError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw fail(what, "payload ends early") }
        var v: T = 0
        for k in 0..<size { v = v << 8 | T(bytes[position + k]) }
        position += size
        return v
    }

    @inline(__always) package mutating func varint(_ what: String) throws(SnapshotError) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw fail(what, "payload ends inside a varint") }
            let b = bytes[position]
            position += 1
            if shift == 63 && b > 1 { throw fail(what, "varint overflows 64 bits") }
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
            if shift > 63 { throw fail(what, "varint longer than 10 bytes") }
        }
    }
    /// A varint that must fit in `UInt32`.
    @inline(__always) package mutating func u32v(_ what: String) throws(SnapshotError) -> UInt32 {
        let v = try varint(what)
        guard v <= UInt64(UInt32.max) else { throw fail(what, "value \(v) exceeds UInt32") }
        return UInt32(v)
    }
    /// A varint index that must be below `limit`.
    @inline(__always) package mutating func index(_ what: String, below limit: Int) throws(SnapshotError) -> UInt32 {
        let v = try varint(what)
        guard v < UInt64(limit) else { throw fail(what, "index \(v) out of range 0..<\(limit)") }
        return UInt32(v)
    }
    /// ``SnapshotWriter/optIndex(_:)``: `UInt32.max` for none, else below `limit`.
    @inline(__always) package mutating func optIndex(_ what: String, below limit: Int) throws(SnapshotError) -> UInt32 {
        let v = try varint(what)
        if v == 0 { return .max }
        guard v - 1 < UInt64(limit) else { throw fail(what, "index \(v - 1) out of range 0..<\(limit)") }
        return UInt32(v - 1)
    }
    /// An element count; each element takes at least `minBytes` bytes, so a
    /// count the remaining bytes cannot hold is rejected before allocating.
    package mutating func count(_ what: String, minBytes: Int = 1) throws(SnapshotError) -> Int {
        let v = try varint(what)
        guard v <= UInt64(remaining / max(1, minBytes)) else { throw fail(what, "count \(v) exceeds the remaining \(remaining) bytes") }
        return Int(v)
    }
    package mutating func zigzag(_ what: String) throws(SnapshotError) -> Int64 {
        let u = try varint(what)
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }
    package mutating func int(_ what: String) throws(SnapshotError) -> Int {
        let v = try zigzag(what)
        guard let i = Int(exactly: v) else { throw fail(what, "value \(v) exceeds Int") }
        return i
    }
    @inline(__always) package mutating func time(_ what: String) throws(SnapshotError) -> Int64 {
        let u = try varint(what)
        switch u {
        case 0: return .min
        case 1: return .max
        default:
            let z = u - 2
            return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
        }
    }
    package mutating func string(_ what: String) throws(SnapshotError) -> String {
        let n = try count(what)
        let start = position
        position += n
        guard let s = String(validating: bytes[start..<position], as: UTF8.self) else { throw fail(what, "invalid UTF-8") }
        return s
    }
    /// What ``SnapshotWriter/byteString(_:)`` wrote.
    package mutating func byteString(_ what: String) throws(SnapshotError) -> [UInt8] {
        let n = try count(what)
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }
    /// What ``SnapshotWriter/strings(_:)`` wrote.
    package mutating func strings(_ what: String) throws(SnapshotError) -> [String] {
        let n = try count(what)
        var a: [String] = []
        a.reserveCapacity(n)
        for _ in 0..<n { a.append(try string(what)) }
        return a
    }
    package mutating func optString(_ what: String) throws(SnapshotError) -> String? {
        try bool(what) ? try string(what) : nil
    }
    package mutating func optInt(_ what: String) throws(SnapshotError) -> Int? {
        try bool(what) ? try int(what) : nil
    }
    package mutating func indices(_ what: String, below limit: Int) throws(SnapshotError) -> [UInt32] {
        let n = try count(what)
        var a: [UInt32] = []
        a.reserveCapacity(n)
        for _ in 0..<n { a.append(try index(what, below: limit)) }
        return a
    }
    /// An enum case by its position in `allCases`.
    package mutating func enumCase<E: CaseIterable>(_ what: String, _: E.Type) throws(SnapshotError) -> E
    where E.AllCases: RandomAccessCollection {
        let i = Int(try u8(what))
        let all = E.allCases
        guard i < all.count else { throw fail(what, "case \(i) of \(all.count)") }
        return all[all.index(all.startIndex, offsetBy: i)]
    }
    package func finish() throws(SnapshotError) {
        guard atEnd else { throw fail("end", "\(remaining) unread payload bytes") }
    }
}
