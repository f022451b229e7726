/// Why a snapshot could not be restored.
///
/// Restoring never crashes and never yields a partial or wrong state: any
/// problem throws one of these before the restored value exists.
package struct SnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable code.
    package enum Code: String, Sendable, Equatable, CaseIterable {
        /// The bytes end before the length the header announces (or before a header fits).
        case truncated
        /// The bytes do not start with the snapshot magic `LLSN`.
        case badMagic = "bad_magic"
        /// The snapshot is of another type (e.g. a resolver snapshot given to `Ledger`).
        case wrongType = "wrong_type"
        /// The format version is not the one this build reads.
        case unsupportedVersion = "unsupported_version"
        /// The CRC-32 trailer does not match the bytes.
        case checksumMismatch = "checksum_mismatch"
        /// The payload passed the checksum but is structurally invalid (bad index, duplicate key, trailing bytes …).
        case corrupt
        /// The snapshot was taken with another resolver configuration than the one restoring it.
        case configurationMismatch = "configuration_mismatch"
    }

    /// The code.
    package var code: Code
    /// Where or what: the field being read, expected versus found values.
    package var context: String

    /// Creates an error.
    package init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    /// `snapshot <code>: <context>`.
    package var description: String { "snapshot \(code.rawValue): \(context)" }
}

/// Type tags of the snapshot header.
enum SnapshotTag: UInt8 {
    case ledger = 1
    case identityResolver = 2
}

/// The envelope shared by all snapshots (little-endian):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `LLSN` |
/// | 4 | 4 | format version (u32) |
/// | 8 | 1 | type tag (1 ledger, 2 resolver) |
/// | 9 | 3 | reserved, zero |
/// | 12 | 8 | payload length n (u64) |
/// | 20 | n | payload |
/// | 20+n | 4 | CRC-32 (IEEE) of bytes 0..<20+n |
enum SnapshotEnvelope {
    static let magic: [UInt8] = Array("LLSN".utf8)
    static let headerSize = 20

    /// Starts a writer with the header (payload length patched by ``finish(_:)``).
    static func begin(tag: SnapshotTag, version: UInt32, capacity: Int) -> SnapshotWriter {
        var w = SnapshotWriter(capacity: capacity + headerSize + 4)
        w.append(magic)
        w.u32(version)
        w.u8(tag.rawValue)
        w.append([0, 0, 0])
        w.u64(0)
        return w
    }

    /// Patches the payload length and appends the checksum.
    static func finish(_ w: inout SnapshotWriter) -> [UInt8] {
        let n = UInt64(w.count - headerSize)
        for k in 0..<8 { w.patch(12 + k, UInt8(truncatingIfNeeded: n >> (8 * UInt64(k)))) }
        let crc = CRC32.checksum(w.written)
        w.u32(crc)
        return w.take()
    }

    /// Checks the envelope and returns a reader positioned at the payload.
    static func open(_ bytes: [UInt8], tag: SnapshotTag, version: UInt32) throws(SnapshotError) -> SnapshotReader {
        guard bytes.count >= headerSize + 4 else {
            throw SnapshotError(.truncated, "\(bytes.count) bytes, shorter than header and checksum (\(headerSize + 4))")
        }
        guard Array(bytes[0..<4]) == magic else { throw SnapshotError(.badMagic, "first bytes \(Array(bytes[0..<4])) are not LLSN") }
        var h = SnapshotReader(bytes, from: 4, to: headerSize)
        let v = try h.u32("version")
        // The type first: each type has its own format versions.
        let t = try h.u8("tag")
        guard t == tag.rawValue else { throw SnapshotError(.wrongType, "type tag \(t), expected \(tag.rawValue) (\(tag))") }
        guard v == version else { throw SnapshotError(.unsupportedVersion, "format version \(v), this build reads \(version)") }
        guard bytes[9] == 0, bytes[10] == 0, bytes[11] == 0 else { throw SnapshotError(.corrupt, "reserved header bytes are not zero") }
        h.position = 12
        let n = try h.u64("payload length")
        let available = UInt64(bytes.count - headerSize - 4)
        guard n <= available else { throw SnapshotError(.truncated, "payload length \(n), only \(available) bytes present") }
        guard n == available else { throw SnapshotError(.corrupt, "payload length \(n), but \(available) bytes follow the header") }
        let end = headerSize + Int(n)
        let stored = UInt32(bytes[end]) | UInt32(bytes[end + 1]) << 8 | UInt32(bytes[end + 2]) << 16 | UInt32(bytes[end + 3]) << 24
        let actual = CRC32.checksum(bytes[0..<end])
        guard stored == actual else {
            throw SnapshotError(.checksumMismatch, "stored CRC-32 \(String(stored, radix: 16)), computed \(String(actual, radix: 16))")
        }
        return SnapshotReader(bytes, from: headerSize, to: end)
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), slicing-by-8.
enum CRC32 {
    static let tables: [[UInt32]] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
        }
        return t
    }()
    static let flat: [UInt32] = tables.flatMap { $0 }

    /// The CRC-32 of `bytes`.
    static func checksum<C: Collection<UInt8>>(_ bytes: C) -> UInt32 {
        let flat = Self.flat
        let result = bytes.withContiguousStorageIfAvailable { buf -> UInt32 in
            flat.withUnsafeBufferPointer { t in
                var c: UInt32 = 0xFFFF_FFFF
                var i = 0
                let n = buf.count
                while i + 8 <= n {
                    let lo = c ^ (UInt32(buf[i]) | UInt32(buf[i + 1]) << 8 | UInt32(buf[i + 2]) << 16 | UInt32(buf[i + 3]) << 24)
                    c =
                        t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                        ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                        ^ t[3 * 256 + Int(buf[i + 4])] ^ t[2 * 256 + Int(buf[i + 5])]
                        ^ t[1 * 256 + Int(buf[i + 6])] ^ t[Int(buf[i + 7])]
                    i += 8
                }
                while i < n {
                    c = t[Int((c ^ UInt32(buf[i])) & 0xFF)] ^ (c >> 8)
                    i += 1
                }
                return c ^ 0xFFFF_FFFF
            }
        }
        if let result { return result }
        return checksum(Array(bytes))
    }
}

/// Appends little-endian fixed-width integers, LEB128 varints and
/// length-prefixed UTF-8 strings to a buffer it owns (no per-byte array
/// uniqueness checks). Used by value inside one function: create, write,
/// ``take()`` exactly once (which frees the buffer); never copy it.
struct SnapshotWriter {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always) mutating func ensure(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    mutating func grow(_ need: Int) {
        var c = capacity * 2
        while c < need { c *= 2 }
        let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        nb.update(from: base, count: count)
        base.deallocate()
        base = nb
        capacity = c
    }

    /// Overwrites an already written byte (header patching).
    mutating func patch(_ at: Int, _ v: UInt8) {
        precondition(at < count)
        base[at] = v
    }

    /// The written bytes so far, without copying (valid until the next write).
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes; frees the buffer (the writer must not be used afterwards).
    mutating func take() -> [UInt8] {
        let a = Array(written)
        base.deallocate()
        capacity = 0
        return a
    }

    @inline(__always) mutating func u8(_ v: UInt8) {
        ensure(1)
        base[count] = v
        count += 1
    }
    mutating func append(_ bytes: [UInt8]) { for b in bytes { u8(b) } }
    @inline(__always) mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    mutating func u32(_ v: UInt32) { for k in 0..<4 { u8(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) } }
    @inline(__always) mutating func u64(_ v: UInt64) {
        ensure(8)
        for k in 0..<8 { base[count + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        count += 8
    }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    /// Unsigned LEB128.
    @inline(__always) mutating func varint(_ v0: UInt64) {
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
    @inline(__always) mutating func varint(_ v: Int) { varint(UInt64(v)) }  // callers pass non-negative counts
    @inline(__always) mutating func varint(_ v: UInt32) { varint(UInt64(v)) }
    /// Zig-zag signed varint.
    @inline(__always) mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    /// An index where `UInt32.max` means none: written as `v + 1`, none as 0.
    @inline(__always) mutating func optIndex(_ v: UInt32) { varint(v == .max ? 0 : UInt64(v) + 1) }
    /// An event time in epoch ms; the sentinels `Int64.min`/`Int64.max` take one byte.
    @inline(__always) mutating func time(_ t: Int64) {
        if t == .min {
            varint(0 as UInt64)
        } else if t == .max {
            varint(1 as UInt64)
        } else {
            varint(UInt64(bitPattern: (t << 1) ^ (t >> 63)) + 2)
        }
    }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in
            varint(u.count)
            ensure(u.count)
            if let p = u.baseAddress { (base + count).update(from: p, count: u.count) }
            count += u.count
        }
    }
    mutating func optString(_ s: String?) {
        if let s {
            u8(1)
            string(s)
        } else {
            u8(0)
        }
    }
    mutating func optInt(_ v: Int?) {
        if let v {
            u8(1)
            zigzag(Int64(v))
        } else {
            u8(0)
        }
    }
    /// Writes a table keyed by index: its count, then each key followed by what
    /// `value` writes for it, in key order (nothing hash-ordered).
    mutating func sortedTable<Value>(_ table: [UInt32: Value], _ value: (inout SnapshotWriter, Value) -> Void) {
        varint(table.count)
        for key in table.keys.sorted() {
            varint(key)
            value(&self, table[key]!)
        }
    }
    mutating func indices(_ a: [UInt32]) {
        varint(a.count)
        for x in a { varint(x) }
    }
}

/// Reads what ``SnapshotWriter`` wrote; every read is bounds-checked and
/// throws instead of trapping. Reads inside a verified payload that run out
/// of bytes or find impossible values throw ``SnapshotError/Code/corrupt``.
struct SnapshotReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], from: Int, to end: Int) {
        self.bytes = bytes
        position = from
        self.end = end
    }

    var remaining: Int { end - position }
    var atEnd: Bool { position == end }

    func fail(_ what: String, _ why: String) -> SnapshotError {
        SnapshotError(.corrupt, "\(what) at payload byte \(position - SnapshotEnvelope.headerSize): \(why)")
    }

    @inline(__always) mutating func u8(_ what: String) throws(SnapshotError) -> UInt8 {
        guard position < end else { throw fail(what, "payload ends early") }
        defer { position += 1 }
        return bytes[position]
    }
    mutating func bool(_ what: String) throws(SnapshotError) -> Bool {
        let b = try u8(what)
        guard b <= 1 else { throw fail(what, "boolean byte \(b)") }
        return b == 1
    }
    mutating func u32(_ what: String) throws(SnapshotError) -> UInt32 { try littleEndian(what) }
    mutating func u64(_ what: String) throws(SnapshotError) -> UInt64 { try littleEndian(what) }
    /// A fixed-width little-endian unsigned integer.
    mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_ what: String) throws(SnapshotError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw fail(what, "payload ends early") }
        var v: T = 0
        for k in 0..<size { v |= T(bytes[position + k]) << (8 * k) }
        position += size
        return v
    }
    mutating func f64(_ what: String) throws(SnapshotError) -> Double { Double(bitPattern: try u64(what)) }

    @inline(__always) mutating func varint(_ what: String) throws(SnapshotError) -> UInt64 {
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
    @inline(__always) mutating func u32v(_ what: String) throws(SnapshotError) -> UInt32 {
        let v = try varint(what)
        guard v <= UInt64(UInt32.max) else { throw fail(what, "value \(v) exceeds UInt32") }
        return UInt32(v)
    }
    /// A varint index that must be below `limit`.
    @inline(__always) mutating func index(_ what: String, below limit: Int) throws(SnapshotError) -> UInt32 {
        let v = try varint(what)
        guard v < UInt64(limit) else { throw fail(what, "index \(v) out of range 0..<\(limit)") }
        return UInt32(v)
    }
    /// ``SnapshotWriter/optIndex(_:)``: `UInt32.max` for none, else below `limit`.
    @inline(__always) mutating func optIndex(_ what: String, below limit: Int) throws(SnapshotError) -> UInt32 {
        let v = try varint(what)
        if v == 0 { return .max }
        guard v - 1 < UInt64(limit) else { throw fail(what, "index \(v - 1) out of range 0..<\(limit)") }
        return UInt32(v - 1)
    }
    /// An element count; each element takes at least `minBytes` bytes, so a
    /// count the remaining bytes cannot hold is rejected before allocating.
    mutating func count(_ what: String, minBytes: Int = 1) throws(SnapshotError) -> Int {
        let v = try varint(what)
        guard v <= UInt64(remaining / max(1, minBytes)) else { throw fail(what, "count \(v) exceeds the remaining \(remaining) bytes") }
        return Int(v)
    }
    mutating func zigzag(_ what: String) throws(SnapshotError) -> Int64 {
        let u = try varint(what)
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }
    mutating func int(_ what: String) throws(SnapshotError) -> Int {
        let v = try zigzag(what)
        guard let i = Int(exactly: v) else { throw fail(what, "value \(v) exceeds Int") }
        return i
    }
    @inline(__always) mutating func time(_ what: String) throws(SnapshotError) -> Int64 {
        let u = try varint(what)
        switch u {
        case 0: return .min
        case 1: return .max
        default:
            let z = u - 2
            return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
        }
    }
    mutating func string(_ what: String) throws(SnapshotError) -> String {
        let n = try count(what)
        let start = position
        position += n
        guard let s = String(validating: bytes[start..<position], as: UTF8.self) else { throw fail(what, "invalid UTF-8") }
        return s
    }
    mutating func optString(_ what: String) throws(SnapshotError) -> String? {
        try bool(what) ? try string(what) : nil
    }
    mutating func optInt(_ what: String) throws(SnapshotError) -> Int? {
        try bool(what) ? try int(what) : nil
    }
    mutating func indices(_ what: String, below limit: Int) throws(SnapshotError) -> [UInt32] {
        let n = try count(what)
        var a: [UInt32] = []
        a.reserveCapacity(n)
        for _ in 0..<n { a.append(try index(what, below: limit)) }
        return a
    }
    /// An enum case by its position in `allCases`.
    mutating func enumCase<E: CaseIterable>(_ what: String, _: E.Type) throws(SnapshotError) -> E where E.AllCases: RandomAccessCollection {
        let i = Int(try u8(what))
        let all = E.allCases
        guard i < all.count else { throw fail(what, "case \(i) of \(all.count)") }
        return all[all.index(all.startIndex, offsetBy: i)]
    }
    func finish() throws(SnapshotError) {
        guard atEnd else { throw fail("end", "\(remaining) unread payload bytes") }
    }
}

extension CaseIterable where Self: Equatable, AllCases: RandomAccessCollection {
    /// Position in `allCases`, the enum's snapshot encoding.
    var snapshotOrdinal: UInt8 {
        UInt8(Self.allCases.distance(from: Self.allCases.startIndex, to: Self.allCases.firstIndex(of: self)!))
    }
}
