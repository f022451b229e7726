import Crypto

/// A content version: the SHA-256 (swift-crypto) of a file's bytes. Rule
/// configurations, model artifacts and routing rules are versioned by it.
package struct ContentVersion: Sendable, Hashable, CustomStringConvertible {
    /// Full lower-case hex digest.
    package let sha256: String
    /// Creates the version of `bytes`.
    package init<Bytes: Sequence>(of bytes: Bytes) where Bytes.Element == UInt8 {
        sha256 = Self.hex(SHA256.hash(data: Array(bytes)))
    }
    /// `bytes` as lower-case hex digits.
    package static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
    /// The first 12 hex digits, used inside ids (`name@shortHash`).
    package var short: String { String(sha256.prefix(12)) }
    package var description: String { sha256 }
}
