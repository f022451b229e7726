/// Email normalization rules.
///
/// 1. **Trim**: Unicode whitespace, a `mailto:` prefix and surrounding `<>` are removed.
/// 2. **Shape**: exactly one `@`, a non-empty local part of at most 64 bytes,
///    no whitespace or control characters; the domain must pass
///    ``DomainNormalizer/host(_:)`` (IDN → Punycode). Otherwise nil.
/// 3. **Case**: the whole address is Unicode lower-cased and NFC-normalized.
///    (Local parts are case-sensitive in theory, never in practice.)
/// 4. **Plus-tags**: `jane+news@acme.io` has identity key `jane@acme.io`; the
///    address as seen is kept. (A local part that *starts* with `+` keeps it.)
/// 5. **Gmail dots** (optional, on by default): for `gmail.com` and
///    `googlemail.com` the identity key drops dots in the local part and uses
///    `gmail.com`, because Gmail delivers `j.a.ne@` and `jane@` to one mailbox.
package struct EmailNormalizer: Sendable, Equatable {
    /// Whether rule 5 applies.
    package var gmailDots: Bool

    /// Creates a normalizer.
    package init(gmailDots: Bool = true) { self.gmailDots = gmailDots }

    static func hasSpaceOrControl(_ s: Substring) -> Bool {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.utf8.contains { $0 <= 0x20 || $0 == 0x7F } }
        return s.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// Normalizes `raw`, or nil if it is not a usable address.
    package func normalize(_ raw: String) -> NormalizedEmail? {
        guard let (asSeen, local, domainRaw, domain) = Self.parts(raw) else { return nil }
        // host() drops a leading "www." label; mailbox domains keep theirs.
        let mailDomain = domainRaw.lowercased().hasPrefix("www.") && !domain.hasPrefix("www.") ? "www." + domain : domain
        var keyLocal = Substring(local)
        if let plus = keyLocal.firstIndex(of: "+"), plus != keyLocal.startIndex { keyLocal = keyLocal[..<plus] }
        var keyDomain = mailDomain
        if gmailDots, mailDomain == "gmail.com" || mailDomain == "googlemail.com" {
            keyLocal = Substring(keyLocal.filter { $0 != "." })
            keyDomain = "gmail.com"
        }
        return NormalizedEmail(
            asSeen: asSeen, address: local + "@" + mailDomain, identityKey: keyLocal + "@" + keyDomain,
            domain: mailDomain, registrableDomain: DomainNormalizer.registrableDomain(ofHost: mailDomain),
            kind: DomainNormalizer.mailKind(ofDomain: mailDomain))
    }

    /// Whether `normalize(raw)` returns an address: the same checks, without
    /// building the result (registrable domain, mail kind, identity key), for
    /// validation on the decode path.
    package func accepts(_ raw: String) -> Bool { Self.parts(raw) != nil }

    /// The checked pieces of an address: as seen (trimmed), folded local part,
    /// raw domain, normalized host; nil when any check fails. Everything
    /// `normalize` does after this cannot fail.
    static func parts(_ raw: String) -> (asSeen: String, local: String, domainRaw: Substring, domain: String)? {
        var s = Text.trim(raw[...])
        if s.count > 7, s.prefix(7).lowercased() == "mailto:" { s = Text.trim(s.dropFirst(7)) }
        if s.hasPrefix("<"), s.hasSuffix(">") { s = Text.trim(s.dropFirst().dropLast()) }
        let asSeen = String(s)
        guard let at = s.firstIndex(of: "@"), s[s.index(after: at)...].firstIndex(of: "@") == nil else { return nil }
        let localRaw = s[..<at]
        let domainRaw = s[s.index(after: at)...]
        guard !localRaw.isEmpty, !domainRaw.isEmpty,
            !Self.hasSpaceOrControl(localRaw), !Self.hasSpaceOrControl(domainRaw),
            !domainRaw.utf8.contains(UInt8(ascii: "/")), !domainRaw.utf8.contains(UInt8(ascii: ":"))
        else { return nil }
        let local = Text.fold(String(localRaw))
        guard local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."), Text.find("..", in: local[...]) == nil else {
            return nil
        }
        guard let domain = DomainNormalizer.host(String(domainRaw)) else { return nil }
        return (asSeen, local, domainRaw, domain)
    }
}
