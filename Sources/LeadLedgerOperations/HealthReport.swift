import LeadLedgerCore
import LeadLedgerEngine

/// The answer of a health probe: whether it passes, and why not.
package struct HealthReport: Sendable, Hashable {
    /// The probe passes (HTTP 200; else 503).
    package var ok: Bool
    /// `live`, `ready`, `dead` or `not_ready`.
    package var status: String
    /// Why it fails, one sentence each (empty when it passes).
    package var reasons: [String]
    /// Assigned partitions counted.
    package var partitions: Int

    /// The JSON body: `{"partitions":N,"reasons":[...],"status":"..."}`.
    package var json: [UInt8] {
        let body: JSONValue = .object([
            "status": .string(status),
            "partitions": .int(partitions),
            "reasons": .array(reasons.map { .string($0) }),
        ])
        return CanonicalJSON.encode(body) + [UInt8(ascii: "\n")]
    }
}
