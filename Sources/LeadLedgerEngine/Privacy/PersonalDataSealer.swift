import Crypto
import Foundation
import LeadLedgerCore

/// Seals and opens the personal fields of canonical events with their
/// subject's key (SPEC §12): AES-256-GCM, the subject being the event's lead.
///
/// Sealed fields: email identifiers and the `email` attribute (the local part:
/// the domain stays readable after `@`, since features use it), Segment
/// `user_id` identifiers, the `first_name`, `last_name` and `phone`
/// attributes, the string values of a lead's custom CRM fields except those in
/// ``clearCustomFields`` (numbers and booleans stay in the clear), and the query
/// and fragment of a page path or clicked URL (an engagement's `content` from
/// its first `?` or `#`; the scheme, host and path stay readable:
/// ``Engagement/clearContent``; tracked event names stay whole). A sealed
/// value is `enc1.<subject>.<base64url(nonce ‖ ciphertext ‖ tag)>` (the subject:
/// the 16 hex digits of the lead id whose key sealed it, which stays right
/// after merges), followed by `@<domain>` for an email, and preceded by
/// `<clear part>?` for a content. The
/// materialize stage keeps values sealed in its projections and snapshots, so
/// deleting the key makes every copy unreadable; it opens only the emails a
/// routing record carries. Nothing a decision reads is sealed:
/// features use the email domain, the free-mail flag, seniority, function,
/// firmographics, the custom fields listed as clear and the clear part of a
/// content, so a replay after an erasure decides the same.
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

    /// The lead custom fields whose string values stay in the clear because a
    /// decision reads them (`clear_custom_fields` and every lead field a custom
    /// feature of the configured scoring file reads). Every other string value
    /// of a lead's custom field is sealed.
    package var clearCustomFields: Set<String>

    /// Creates a sealer over `keyring`.
    package init(keyring: SubjectKeyring, reader: LogReader? = nil, clearCustomFields: Set<String> = []) {
        self.keyring = keyring
        self.reader = reader
        self.clearCustomFields = clearCustomFields
    }

    /// The event with its personal fields sealed (an erased subject's written as `[erased]`).
    package func seal(_ event: CanonicalEvent) -> CanonicalEvent {
        guard let lead = event.leadID, Self.hasPersonalFields(event.payload) else { return event }
        let eventID = event.eventID
        // The subject's key is looked up (and issued) only when a field is sealed:
        // a content without query or a clear custom field needs none.
        var key: SymmetricKey?
        var keyLooked = false
        return Self.mapFields(event, clearCustomFields: clearCustomFields) { path, value, shape in
            if !keyLooked {
                key = keyring.key(for: lead)
                keyLooked = true
            }
            return Self.seal(value, shape: shape, subject: lead, key: key, eventID: eventID, path: path)
        }
    }

    /// The event with its sealed fields opened (tools and tests; the materialize
    /// stage keeps fields sealed and opens only the emails a routing record carries).
    package func open(_ event: CanonicalEvent) -> CanonicalEvent {
        guard Self.hasPersonalFields(event.payload) else { return event }
        return Self.mapFields(event, clearCustomFields: []) { _, value, _ in open(value) }
    }

    /// The plaintext of a sealed value; `[erased]` (plus `@<domain>` for an email,
    /// after `<clear part>?` for a content) when its subject's key is gone; any
    /// other value unchanged.
    package func open(_ value: String) -> String {
        if let sealed = SealedValue(value) {
            guard let key = keyring.openingKey(for: sealed.subject) else { return Self.erasedText + sealed.suffix }
            guard let plaintext = sealed.open(with: key) else { return value }
            return plaintext + sealed.suffix
        }
        // A content whose query and fragment are sealed: `<clear part>?enc1.…`.
        let clear = Engagement.clearPart(value)
        guard clear.utf8.count < value.utf8.count else { return value }
        let tail = value.utf8.dropFirst(clear.utf8.count)
        guard tail.first == 0x3F, let sealed = SealedValue(String(Substring(tail.dropFirst()))), sealed.suffix.isEmpty else {
            return value
        }
        guard let key = keyring.openingKey(for: sealed.subject) else { return clear + "?" + Self.erasedText }
        guard let plaintext = sealed.open(with: key) else { return value }
        return clear + plaintext
    }

    /// Whether a canonical-log record's bytes hold a sealed field of a subject
    /// this process has no key for yet (read the keys topic before opening it).
    package func namesUnknownSubject(_ bytes: [UInt8]) -> Bool {
        SealedRecordScan.unknownSubject(in: bytes, keyring: keyring)
    }

    /// Which part of a personal field is sealed.
    enum Shape {
        /// The whole value.
        case whole
        /// The local part; `@<domain>` stays readable after the sealed value.
        case email
        /// From the first `?` or `#` on; `<clear part>?` stays readable before the sealed value.
        case content
    }

    /// Whether the payload can hold a sealed field.
    static func hasPersonalFields(_ payload: CanonicalPayload) -> Bool {
        switch payload {
        case .identityLinked, .attributes, .customFields: true
        case .engagement(let e): e.content != nil
        default: false
        }
    }

    /// Applies `transform` (path, value, shape) to each personal field: a lead
    /// custom field's string value unless its key is in `clearCustomFields`, the
    /// content of an engagement other than a tracked event when it has a part to seal.
    static func mapFields(
        _ event: CanonicalEvent, clearCustomFields: Set<String>, _ transform: (String, String, Shape) -> String
    ) -> CanonicalEvent {
        var event = event
        switch event.payload {
        case .identityLinked(var ids):
            for i in ids.indices where ids[i].kind == .email || ids[i].kind == .userID {
                ids[i].value = transform("identifiers/\(i)", ids[i].value, ids[i].kind == .email ? .email : .whole)
            }
            event.payload = .identityLinked(ids)
        case .attributes(var attrs):
            for i in attrs.indices {
                switch attrs[i].name {
                case .email, .firstName, .lastName, .phone:
                    attrs[i].value = transform("attributes/\(i)", attrs[i].value, attrs[i].name == .email ? .email : .whole)
                default: break
                }
            }
            event.payload = .attributes(attrs)
        case .customFields(var fields):
            for i in fields.indices where !clearCustomFields.contains(fields[i].key) {
                guard case .string(let value) = fields[i].value else { continue }
                fields[i].value = .string(transform("custom/\(fields[i].key)", value, .whole))
            }
            event.payload = .customFields(fields)
        case .engagement(var engagement):
            // A tracked event's name is no URL, and the forms count reads all of it.
            guard engagement.action != .track, let content = engagement.content,
                Engagement.clearPart(content).utf8.count < content.utf8.count
            else { break }
            engagement.content = transform("engagement/content", content, .content)
            event.payload = .engagement(engagement)
        default: break
        }
        return event
    }

    /// The sealed form of `value`; its erased form when `key` is nil.
    static func seal(_ value: String, shape: Shape, subject: LeadID, key: SymmetricKey?, eventID: String, path: String) -> String {
        var secret = Substring(value)
        var head = ""
        var suffix = ""
        switch shape {
        case .whole: break
        case .email:
            if let at = value.lastIndex(of: "@") {
                secret = value[..<at]
                suffix = "@" + value[value.index(after: at)...]
            }
        case .content:
            head = Engagement.clearPart(value)
            secret = Substring(value.utf8.dropFirst(head.utf8.count))
            head += "?"
        }
        guard let key else { return head + erasedText + suffix }
        let plaintext = Array(secret.utf8)
        var input = Array("leadledger/field-nonce/v1|\(eventID)|\(path)".utf8)
        input.append(0)
        input += plaintext
        let mac = HMAC<SHA256>.authenticationCode(for: input, using: key)
        guard let nonce = try? AES.GCM.Nonce(data: Array(mac).prefix(12)),
            let box = try? AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: SealedValue.context(subject)),
            let combined = box.combined
        else { return head + erasedText + suffix }
        return head + prefix + subject.description.dropFirst(3) + "." + base64URL(Array(combined)) + suffix
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
