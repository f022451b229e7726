import Foundation
import LeadLedgerCore

struct ByteReader {
    let bytes: [UInt8]
    var i = 0
    var atEnd: Bool { i == bytes.count }
    var remaining: Int { bytes.count - i }
    mutating func need(_ n: Int) throws {
        guard n >= 0, bytes.count - i >= n else {
            throw DecisionsError(.invalidArtifact, "truncated snapshot at byte \(i)", field: "bytes")
        }
    }
    mutating func bytes(_ n: Int) throws -> [UInt8] {
        try need(n)
        defer { i += n }
        return Array(bytes[i..<i + n])
    }
    mutating func u8() throws -> UInt8 {
        try need(1)
        defer { i += 1 }
        return bytes[i]
    }
    mutating func u16() throws -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }
    mutating func u32() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 { v = v << 8 | UInt32(try u8()) }
        return v
    }
    mutating func u64() throws -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<8 { v = v << 8 | UInt64(try u8()) }
        return v
    }
    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
    mutating func f64() throws -> Double { Double(bitPattern: try u64()) }
    mutating func string() throws -> String {
        let n = Int(try u32())
        let b = try bytes(n)
        guard let s = String(validating: b, as: UTF8.self) else {
            throw DecisionsError(.invalidArtifact, "invalid UTF-8 in snapshot", field: "string")
        }
        return s
    }
    mutating func optString() throws -> String? { try u8() == 1 ? try string() : nil }
}
