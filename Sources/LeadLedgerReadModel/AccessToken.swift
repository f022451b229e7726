import Crypto
import Foundation
import LeadLedgerDecisions

/// A bearer token's secret and its SHA-256 digest: creating new tokens and
/// hashing presented ones.
package enum AccessToken {
    /// A new random token: 32 bytes (256 bits) from the system's CSPRNG, base64url
    /// without padding (43 characters, URL-safe), prefixed `llt_` so that a
    /// leaked token is recognisable.
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "llt_" + base64
    }

    /// The SHA-256 digest of a token's UTF-8 bytes.
    package static func digest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// The digest as 64 lowercase hex digits (what the token file stores).
    package static func hexDigest(_ token: String) -> String {
        ContentVersion(of: Array(token.utf8)).sha256
    }

    /// Compares two byte strings in time that depends only on their lengths.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
