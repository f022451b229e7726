import Crypto
import Foundation
import LeadLedgerCore

/// A record of the compacted topic `leadledger.keys` (SPEC §3, §12): one
/// subject's AES-256 key, wrapped (AES-GCM) with the master key's wrapping key.
///
/// - `ld_…` → `{"schema_version":1,"subject":"ld_…","wrapped_key":"<base64>"}`: the key;
/// - `ld_…` → empty value: the tombstone an erasure writes (compaction then removes the key);
/// - `erased/ld_…` → `{"erased":true,"schema_version":1,"subject":"ld_…"}`: a marker that
///   outlives the tombstone's own compaction, so no process ever issues the subject a new key;
/// - `merged/ld_…` → `{"merged_into":"ld_…","schema_version":1,"subject":"ld_…"}`: the lead
///   was merged into another, whose erasure erases its key too.
///
/// Neither form holds personal data: the subject is a keyed-hash lead id.
package enum SubjectKeyRecord: Equatable, Sendable {
    /// A live key (wrapped bytes: AES-GCM `combined`, nonce ‖ ciphertext ‖ tag).
    case key(LeadID, wrapped: [UInt8])
    /// The key's tombstone.
    case tombstone(LeadID)
    /// The subject was erased.
    case erasedMarker(LeadID)
    /// The first lead was merged into the second: erasing the survivor erases it too
    /// (fields written before the merge are sealed with the absorbed lead's key).
    case merged(LeadID, into: LeadID)

    static let erasedPrefix = "erased/"
    static let mergedPrefix = "merged/"

    /// The Kafka key.
    package var key: String {
        switch self {
        case .key(let id, _), .tombstone(let id): id.description
        case .erasedMarker(let id): Self.erasedPrefix + id.description
        case .merged(let id, _): Self.mergedPrefix + id.description
        }
    }

    /// The Kafka value (empty for a tombstone: librdkafka then produces a null value).
    package var value: [UInt8] {
        switch self {
        case .key(let id, let wrapped):
            CanonicalJSON.encode(
                .object(
                    JSONObject([
                        .init("schema_version", .number(1)), .init("subject", .string(id.description)),
                        .init("wrapped_key", .string(Data(wrapped).base64EncodedString())),
                    ])))
        case .tombstone: []
        case .merged(let id, let survivor):
            CanonicalJSON.encode(
                .object(
                    JSONObject([
                        .init("merged_into", .string(survivor.description)), .init("schema_version", .number(1)),
                        .init("subject", .string(id.description)),
                    ])))
        case .erasedMarker(let id):
            CanonicalJSON.encode(
                .object(
                    JSONObject([
                        .init("erased", .bool(true)), .init("schema_version", .number(1)), .init("subject", .string(id.description)),
                    ])))
        }
    }

    /// Decodes a record of the topic; nil for a record that is none of the forms
    /// (the topic is ours: such a record is skipped, never trusted).
    package init?(key: [UInt8]?, value: [UInt8]) {
        guard let key else { return nil }
        let text = String(decoding: key, as: UTF8.self)
        if text.hasPrefix(Self.erasedPrefix) {
            guard let id = LeadID(String(text.dropFirst(Self.erasedPrefix.count))) else { return nil }
            self = .erasedMarker(id)
            return
        }
        if text.hasPrefix(Self.mergedPrefix) {
            guard let id = LeadID(String(text.dropFirst(Self.mergedPrefix.count))),
                case .object(let o)? = try? JSONParser.parse(value), case .string(let into)? = o["merged_into"],
                let survivor = LeadID(into)
            else { return nil }
            self = .merged(id, into: survivor)
            return
        }
        guard let id = LeadID(text) else { return nil }
        if value.isEmpty {
            self = .tombstone(id)
            return
        }
        guard case .object(let o)? = try? JSONParser.parse(value), case .string(let subject)? = o["subject"],
            subject == text, case .string(let wrapped)? = o["wrapped_key"], let bytes = Data(base64Encoded: wrapped)
        else { return nil }
        self = .key(id, wrapped: Array(bytes))
    }
}
