/// A normalized email address.
package struct NormalizedEmail: Sendable, Hashable {
    /// The address as seen, only trimmed (kept for display and outputs).
    package var asSeen: String
    /// `local@domain`: lower-cased, NFC, domain in ASCII (Punycode).
    package var address: String
    /// The mailbox identity key: ``address`` with the `+tag` removed (and, with
    /// ``EmailNormalizer/gmailDots``, dots removed for Gmail). Two addresses
    /// with the same key are the same person.
    package var identityKey: String
    /// The ASCII mailbox domain.
    package var domain: String
    /// The registrable domain of ``domain`` (`mail.acme.co.uk` → `acme.co.uk`).
    package var registrableDomain: String?
    /// Corporate, free or disposable.
    package var kind: MailDomainKind
}
