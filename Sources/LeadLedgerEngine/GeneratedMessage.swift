import Foundation
import LeadLedgerCore

/// A generated inbound message: topic, key and the JSON bytes of SPEC §2.
package struct GeneratedMessage: Sendable, Hashable {
    /// The inbound topic (`crm`, `web` or `email` topic name).
    package var topic: String
    /// The Kafka key (CRM record id, Segment userId/anonymousId, email).
    package var key: String
    /// The JSON payload.
    package var value: [UInt8]
    /// Whether the payload was deliberately made invalid.
    package var malformed: Bool
}
