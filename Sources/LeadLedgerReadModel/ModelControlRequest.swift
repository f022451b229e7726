import LeadLedgerCore
import LeadLedgerEngine

/// The body of `POST /v1/models/{version}/promote|shadow` and `POST /v1/models/rollback`:
/// `{"reason": "…", "force"?: bool}`, parsed with the service's JSON reader. The
/// actor is the token's name, never the body's.
package struct ModelControlRequest: Sendable, Equatable {
    package var reason: String
    /// Promote even when the candidate's held-out AUC is below the active model's.
    package var force: Bool

    /// The largest accepted body.
    package static let maxBodyBytes = 16 * 1024

    /// Parses and validates a request body.
    package init(body: [UInt8]) throws(APIError) {
        let f: Fields
        do {
            f = try Fields(try JSONParser.parse(body, limits: JSONLimits(maxBytes: Self.maxBodyBytes, maxDepth: 2)), path: "$")
        } catch {
            throw APIError.badRequest("invalid_json", "the body must be one JSON object: \(error.reason)")
        }
        for member in f.obj.members where !["reason", "force"].contains(member.key) {
            throw APIError.badRequest("unknown_field", "unknown member \(String(member.key.prefix(64)))")
        }
        guard case .string(let text)? = f.value("reason"), !text.isEmpty, text.utf8.count <= ControlEvent.maxReason else {
            throw APIError.badRequest("invalid_reason", "reason must be a string of 1 to \(ControlEvent.maxReason) bytes")
        }
        reason = text
        switch f.value("force") {
        case nil: force = false
        case .bool(let flag)?: force = flag
        default: throw APIError.badRequest("invalid_field", "force must be a boolean")
        }
    }
}
