import LeadLedgerAnalytics
import LeadLedgerCore

/// Checks of request parameters: ids, emails and free-text fields, each failing
/// with a 400 ``APIError`` and a stable code.
package enum RequestValidation {
    /// `ld_` + 16 lowercase hex digits.
    package static func leadID(_ text: String) throws(APIError) -> String {
        guard LeadID(text) != nil else {
            throw APIError.badRequest("invalid_lead_id", "lead_id must be ld_ followed by 16 lowercase hex digits")
        }
        return text
    }

    /// An audit or routing decision id: `dc_` + 32 lowercase hex digits.
    package static func decisionID(_ text: String) throws(APIError) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count == 35, text.hasPrefix("dc_"), bytes[3...].allSatisfy(isLowerHex) else {
            throw APIError.badRequest("invalid_decision_id", "decision_id must be dc_ followed by 32 lowercase hex digits")
        }
        return text
    }

    /// An account id as the log writes it: a registrable domain, `crm:<source>:<id>` or `seg:<id>`;
    /// 1-255 printable ASCII characters without spaces or `/`.
    package static func accountID(_ text: String) throws(APIError) -> String {
        guard isToken(text, max: 255, allowColon: true) else {
            throw APIError.badRequest("invalid_account_id", "account_id must be 1-255 printable characters without spaces")
        }
        return text
    }

    /// A queue name: 1-128 characters of A-Z a-z 0-9 . _ - :.
    package static func queue(_ text: String) throws(APIError) -> String {
        guard isName(text, max: 128) else {
            throw APIError.badRequest("invalid_queue", "queue must be 1-128 characters of A-Z a-z 0-9 . _ - :")
        }
        return text
    }

    /// An owner id (same alphabet as a queue name).
    package static func ownerID(_ text: String) throws(APIError) -> String {
        guard isName(text, max: 128) else {
            throw APIError.badRequest("invalid_owner_id", "owner_id must be 1-128 characters of A-Z a-z 0-9 . _ - :")
        }
        return text
    }

    /// An email address to search by: its identity key (as the resolver matches
    /// people). Malformed means not `local@domain` (exactly one `@`, both sides
    /// non-empty, at most 320 characters); an address of that shape that the
    /// normalizer does not accept is looked up as written, lower-cased (it can
    /// only match nothing).
    package static func emailKey(_ text: String) throws(APIError) -> String {
        // By Unicode scalar, as the OpenAPI pattern counts: an `@` followed by a combining
        // mark or an emoji modifier is one Character, and a split by Character would miss it.
        let parts = text.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        guard text.unicodeScalars.count <= 320, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw APIError.badRequest("invalid_email", "email must be one address, local@domain")
        }
        return EmailNormalizer().normalize(text)?.identityKey ?? text.lowercased()
    }

    /// An `Idempotency-Key` (it becomes the CRM event's `event_id`): 1-128 characters of A-Z a-z 0-9 . _ - :.
    package static func idempotencyKey(_ text: String) throws(APIError) -> String {
        guard isName(text, max: 128) else {
            throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ - :")
        }
        return text
    }

    /// A positive count up to `max` (query parameter `limit`), `fallback` when absent.
    package static func limit(_ text: String?, fallback: Int, max: Int) throws(APIError) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), value >= 1, value <= max else {
            throw APIError.badRequest("invalid_limit", "limit must be an integer from 1 to \(max)")
        }
        return value
    }

    /// A model version: 16 lowercase hex digits.
    package static func modelVersion(_ text: String) throws(APIError) -> String {
        guard text.utf8.count == 16, text.utf8.allSatisfy(isLowerHex) else {
            throw APIError.badRequest("invalid_model_version", "a model version is 16 lowercase hex digits")
        }
        return text
    }

    /// An RFC 3339 instant (query parameters `since` and `until`), nil when absent.
    package static func instant(_ text: String?, name: String) throws(APIError) -> EventTime? {
        guard let text else { return nil }
        // RFC 3339's date-time separates date and time with T (or t); the core parser
        // also reads a space, which the API's schema (format date-time) does not allow.
        let separator = text.utf8.dropFirst(10).first
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t"), let time = EventTime.parseRFC3339(text) else {
            throw APIError.badRequest("invalid_time", "\(name) must be an RFC 3339 instant such as 2026-11-01T00:00:00Z")
        }
        return time
    }

    /// The KPI grouping (query parameter `by`, repeated or comma-separated: day, model,
    /// tier, arm); empty when absent, which means the report's default grouping.
    package static func dimensions(_ values: [String]) throws(APIError) -> [KPIDimension] {
        var out: [KPIDimension] = []
        for value in values.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            guard let dimension = KPIDimension(rawValue: String(value)) else {
                throw APIError.badRequest("invalid_by", "by must be day, model, tier or arm (repeated or comma-separated)")
            }
            out.append(dimension)
        }
        return out
    }

    private static func isLowerHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) }

    private static func isName(_ text: String, max: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= max
            && text.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x2D
                    || c == 0x3A
            }
    }

    private static func isToken(_ text: String, max: Int, allowColon: Bool) -> Bool {
        !text.isEmpty && text.utf8.count <= max
            && text.utf8.allSatisfy { c in c > 0x20 && c < 0x7F && c != 0x2F && (allowColon || c != 0x3A) }
    }
}
