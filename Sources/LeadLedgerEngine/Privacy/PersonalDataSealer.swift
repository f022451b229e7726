import Crypto
import Foundation
import LeadLedgerCore

/// Seals and opens the personal fields of canonical events with their
/// subject's key (SPEC §12): AES-256-GCM, the subject being the event's lead.
///
/// Sealed fields: email identifiers and the `email` attribute (the local part:
/// the domain stays readable after `@`, since features use it), Segment
/// `user_id` identifiers, and the `first_name`, `last_name` and `phone`
/// attributes. A sealed value is `enc1.<subject>.<base64url(nonce ‖ ciphertext ‖ tag)>`
/// (the subject: the 16 hex digits of the lead id whose key sealed it, which
/// stays right after merges), followed by `@<domain>` for an email. The
/// materialize stage keeps values sealed in its projections and snapshots, so
/// deleting the key makes every copy unreadable; it opens only the emails a
/// routing record carries. Nothing a decision reads is sealed:
/// features use the email domain, the free-mail flag, seniority, function and
/// firmographics, all in the clear, so a replay after an erasure decides the same.
///
/// Determinism: a repeated record must be byte-identical (SPEC §8), so the nonce
/// is not random. It is the first 12 bytes of HMAC-SHA-256 under the subject key
/// of the event id (its source coordinates), the field's path and the plaintext:
/// a synthetic nonce, as in AES-GCM-SIV. Two encryptions under one key share a
/// nonce only for the same event, field and plaintext, that is for the same
/// bytes; any other plaintext gets another nonce, so GCM's nonce-reuse failure
/// cannot happen, and a repeat reveals only that it is a repeat. The subject is
/// the authenticated data: a value cannot be passed off as another subject's.
package struct PersonalDataSealer: Sendable {
    /// The keys.
    package let keyring: SubjectKeyring

    /// What an erased subject's sealed field reads as.
    package static let erasedText = "[erased]"
    static let prefix = "enc1."

    /// Reads the keys topic when a stage meets a subject it has no key for (nil: never).
    package var reader: LogReader?

    /// Creates a sealer over `keyring`.
    package init(keyring: SubjectKeyring, reader: LogReader? = nil) {
        self.keyring = keyring
        self.reader = reader
    }

    /// The event with its personal fields sealed (an erased subject's written as `[erased]`).
    package func seal(_ event: CanonicalEvent) -> CanonicalEvent {
        guard let lead = event.leadID, Self.hasPersonalFields(event.payload) else { return event }
        let key = keyring.key(for: lead)
        let eventID = event.eventID
        return Self.mapFields(event) { path, value, isEmail in
            Self.seal(value, isEmail: isEmail, subject: lead, key: key, eventID: eventID, path: path)
        }
    }

    /// The event with its sealed fields opened (tools and tests; the materialize
    /// stage keeps fields sealed and opens only the emails a routing record carries).
    package func open(_ event: CanonicalEvent) -> CanonicalEvent {
        guard Self.hasPersonalFields(event.payload) else { return event }
        return Self.mapFields(event) { _, value, _ in open(value) }
    }

    /// The plaintext of a sealed value; `[erased]` (plus `@<domain>` for an email)
    /// when its subject's key is gone; any other value unchanged.
    package func open(_ value: String) -> String {
        guard let sealed = SealedValue(value) else { return value }
        guard let key = keyring.openingKey(for: sealed.subject) else { return Self.erasedText + sealed.suffix }
        guard let plaintext = sealed.open(with: key) else { return value }
        return plaintext + sealed.suffix
    }

    /// Whether a canonical-log record's bytes hold a sealed field of a subject
    /// this process has no key for yet (read the keys topic before opening it).
    package func namesUnknownSubject(_ bytes: [UInt8]) -> Bool {
        SealedRecordScan.unknownSubject(in: bytes, keyring: keyring)
    }

    /// Whether the payload can hold a sealed field.
    static func hasPersonalFields(_ payload: CanonicalPayload) -> Bool {
        switch payload {
        case .identityLinked, .attributes: true
        default: false
        }
    }

    /// Applies `transform` (path, value, is-an-email) to each personal field.
    static func mapFields(_ event: CanonicalEvent, _ transform: (String, String, Bool) -> String) -> CanonicalEvent {
        var event = event
        switch event.payload {
        case .identityLinked(var ids):
            for i in ids.indices where ids[i].kind == .email || ids[i].kind == .userID {
                ids[i].value = transform("identifiers/\(i)", ids[i].value, ids[i].kind == .email)
            }
            event.payload = .identityLinked(ids)
        case .attributes(var attrs):
            for i in attrs.indices {
                switch attrs[i].name {
                case .email, .firstName, .lastName, .phone:
                    attrs[i].value = transform("attributes/\(i)", attrs[i].value, attrs[i].name == .email)
                default: break
                }
            }
            event.payload = .attributes(attrs)
        default: break
        }
        return event
    }

    /// The sealed form of `value`; its erased form when `key` is nil.
    static func seal(_ value: String, isEmail: Bool, subject: LeadID, key: SymmetricKey?, eventID: String, path: String) -> String {
        var secret = Substring(value)
        var domain: Substring?
        if isEmail, let at = value.lastIndex(of: "@") {
            secret = value[..<at]
            domain = value[value.index(after: at)...]
        }
        let suffix = domain.map { "@" + $0 } ?? ""
        guard let key else { return erasedText + suffix }
        let plaintext = Array(secret.utf8)
        var input = Array("leadledger/field-nonce/v1|\(eventID)|\(path)".utf8)
        input.append(0)
        input += plaintext
        let mac = HMAC<SHA256>.authenticationCode(for: input, using: key)
        guard let nonce = try? AES.GCM.Nonce(data: Array(mac).prefix(12)),
            let box = try? AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: SealedValue.context(subject)),
            let combined = box.combined
        else { return erasedText + suffix }
        return prefix + subject.description.dropFirst(3) + "." + base64URL(Array(combined)) + suffix
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func fromBase64URL(_ text: Substring) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
