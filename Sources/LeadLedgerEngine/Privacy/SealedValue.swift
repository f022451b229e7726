import Crypto
import Foundation
import LeadLedgerCore

/// A parsed sealed field: `enc1.<16 hex subject>.<base64url sealed box>[@domain]`
/// (`PersonalDataSealer`).
struct SealedValue {
    let subject: LeadID
    let box: Substring
    /// `@<domain>` of an email, else empty.
    let suffix: String

    /// Parses `value`; nil when it is not a sealed value.
    init?(_ value: String) {
        guard value.hasPrefix(PersonalDataSealer.prefix) else { return nil }
        var body = value.dropFirst(PersonalDataSealer.prefix.count)
        if let at = body.firstIndex(of: "@") {
            suffix = String(body[at...])
            body = body[..<at]
        } else {
            suffix = ""
        }
        guard let dot = body.firstIndex(of: "."), let id = LeadID("ld_" + body[..<dot]) else { return nil }
        subject = id
        box = body[body.index(after: dot)...]
    }

    /// The authenticated data of a subject's sealed values.
    static func context(_ subject: LeadID) -> [UInt8] { Array("leadledger/field/v1|\(subject)".utf8) }

    /// The plaintext, nil when the box does not open with `key`.
    func open(with key: SymmetricKey) -> String? {
        guard let bytes = PersonalDataSealer.fromBase64URL(box), let sealed = try? AES.GCM.SealedBox(combined: bytes),
            let plaintext = try? AES.GCM.open(sealed, using: key, authenticating: Self.context(subject))
        else { return nil }
        return String(decoding: plaintext, as: UTF8.self)
    }
}
