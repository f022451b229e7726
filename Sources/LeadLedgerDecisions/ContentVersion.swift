import Crypto

/// A content version: the SHA-256 (swift-crypto) of a file's bytes. Rule
/// configurations, model artifacts and routing rules are versioned by it.
public struct ContentVersion: Sendable, Hashable, CustomStringConvertible {
    /// Full lower-case hex digest.
    public let sha256: String
    /// Creates the version of `bytes`.
    public init<Bytes: Sequence>(of bytes: Bytes) where Bytes.Element == UInt8 {
        let digest = SHA256.hash(data: Array(bytes))
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        sha256 = String(decoding: out, as: UTF8.self)
    }
    /// The first 12 hex digits, used inside ids (`name@shortHash`).
    public var short: String { String(sha256.prefix(12)) }
    public var description: String { sha256 }
}
