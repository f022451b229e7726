import Crypto
import Foundation

/// The optional bearer token that protects `/metrics` and `/health/*`. Only its
/// SHA-256 digest is kept; a request's token is hashed and compared in constant
/// time, so neither the token nor how much of it matched leaks.
package struct MetricsToken: Sendable {
    private let digest: [UInt8]

    /// A token from its text (surrounding whitespace and line breaks removed).
    /// - Throws: `MetricsTokenError.empty` for an empty token.
    package init(_ token: String) throws(MetricsTokenError) {
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw MetricsTokenError.empty }
        digest = Array(SHA256.hash(data: Array(trimmed.utf8)))
    }

    /// The token `run` uses: the file's content when `file` is given, else
    /// `LEADLEDGER_METRICS_TOKEN` from `environment`; nil when neither is set.
    /// - Throws: when the file cannot be read or a token is empty.
    package static func load(file: String?, environment: [String: String]) throws(MetricsTokenError) -> MetricsToken? {
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw MetricsTokenError.unreadable(file)
            }
            return try MetricsToken(text)
        }
        guard let value = environment["LEADLEDGER_METRICS_TOKEN"] else { return nil }
        return try MetricsToken(value)
    }

    /// Whether an `Authorization` header value is `Bearer <this token>`.
    package func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let prefix = "bearer "
        guard authorization.count > prefix.count, authorization.prefix(prefix.count).lowercased() == prefix else { return false }
        let presented = authorization.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        let candidate = Array(SHA256.hash(data: Array(presented.utf8)))
        var difference: UInt8 = 0
        for index in 0..<digest.count {
            difference |= digest[index] ^ candidate[index]
        }
        return difference == 0
    }
}
