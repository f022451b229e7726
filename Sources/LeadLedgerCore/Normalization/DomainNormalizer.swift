/// Domain normalization rules.
///
/// 1. **Host from URL or bare domain**: trims, lower-cases, drops the scheme
///    (`https://`), user info (`user@`), path, query, fragment, port and a
///    trailing dot; maps the ideographic full stops (。．｡) to `.`.
/// 2. **www**: a leading `www.` / `www2.` … label is removed.
/// 3. **IDN**: each non-ASCII label is NFC-normalized and converted to
///    `xn--` Punycode (RFC 3492), so `bücher.de` and `xn--bcher-kva.de` match.
/// 4. **Validation**: labels of `a-z0-9-`, 1–63 bytes, not starting or ending
///    with `-`, at least two labels, at most 253 bytes; IP literals and
///    `localhost` are rejected (nil).
/// 5. **Registrable domain**: the longest matching suffix from
///    ``DomainLists/publicSuffixes`` (else the last label) plus one label:
///    `shop.acme.co.uk` → `acme.co.uk`, `eu.acme.com` → `acme.com`.
package enum DomainNormalizer {
    /// The normalized host of a URL or domain string, or nil if there is none.
    package static func host(_ raw: String) -> String? {
        Text.isASCII(raw) ? asciiHost(raw) : generalHost(raw)
    }

    /// `host(_:)` on Characters: the definition, used for non-ASCII input.
    static func generalHost(_ raw: String) -> String? {
        var s = Substring(Text.fold(Text.trim(raw)))
        if let r = Text.find("://", in: s) { s = s[r.upperBound...] } else if s.hasPrefix("//") { s = s.dropFirst(2) }
        if let end = s.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" }) { s = s[..<end] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        if s.hasPrefix("[") { return nil }  // IPv6 literal
        if let colon = s.lastIndex(of: ":") {
            guard s[s.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            s = s[..<colon]
        }
        var text = String(s).replacingAll(["。", "．", "｡"], with: ".")
        while text.hasSuffix(".") { text.removeLast() }
        var labels = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard labels.count >= 2 else { return nil }
        if labels.count > 2, let first = labels.first, first.hasPrefix("www"), first.dropFirst(3).allSatisfy({ $0.isASCII && $0.isNumber })
        {
            labels.removeFirst()
        }
        var ascii: [String] = []
        for l in labels {
            guard !l.isEmpty, let a = Punycode.toASCII(label: l), a.utf8.count <= 63 else { return nil }
            guard a.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }),
                a.first != "-", a.last != "-"
            else { return nil }
            ascii.append(a)
        }
        if ascii.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return nil }  // IPv4
        if let tld = ascii.last, tld.allSatisfy(\.isNumber) { return nil }
        let host = ascii.joined(separator: ".")
        return host.utf8.count <= 253 ? host : nil
    }

    /// The registrable domain ("eTLD+1") of a normalized host, or nil when the
    /// host is itself a public suffix.
    /// `generalHost(_:)` for ASCII input, on bytes (decode and resolve call it for
    /// every email and website). For ASCII, the Character operations there are
    /// byte operations: whitespace is 0x09–0x0D and 0x20, lower-casing is A–Z,
    /// Punycode leaves labels unchanged; a CR LF pair (one Character) matches
    /// none of the delimiters either way and fails the label check.
    static func asciiHost(_ raw: String) -> String? {
        var b = Array(raw.utf8)
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        @inline(__always) func isTrimmed(_ c: UInt8) -> Bool { c == 0 || c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        var lo = 0
        var hi = b.count
        while lo < hi, isTrimmed(b[lo]) { lo += 1 }
        while hi > lo, isTrimmed(b[hi - 1]) { hi -= 1 }
        for i in lo..<hi where b[i] >= 0x41 && b[i] <= 0x5A { b[i] += 0x20 }
        // Scheme: after the first "://", else a leading "//".
        var scheme = -1
        var i = lo
        while i + 3 <= hi {
            if b[i] == 0x3A, b[i + 1] == 0x2F, b[i + 2] == 0x2F {
                scheme = i
                break
            }
            i += 1
        }
        if scheme >= 0 { lo = scheme + 3 } else if hi - lo >= 2, b[lo] == 0x2F, b[lo + 1] == 0x2F { lo += 2 }
        // Path, query, fragment: cut at the first '/', '?', '#', '\'.
        if let end = (lo..<hi).first(where: { b[$0] == 0x2F || b[$0] == 0x3F || b[$0] == 0x23 || b[$0] == 0x5C }) { hi = end }
        // User info: after the last '@'.
        if let at = (lo..<hi).last(where: { b[$0] == 0x40 }) { lo = at + 1 }
        if lo < hi, b[lo] == 0x5B { return nil }  // IPv6 literal
        if let colon = (lo..<hi).last(where: { b[$0] == 0x3A }) {
            guard (colon + 1..<hi).allSatisfy({ isDigit(b[$0]) }) else { return nil }
            hi = colon
        }
        while hi > lo, b[hi - 1] == 0x2E { hi -= 1 }
        var labels: [Range<Int>] = []
        var start = lo
        for j in lo..<hi where b[j] == 0x2E {
            labels.append(start..<j)
            start = j + 1
        }
        labels.append(start..<hi)
        guard labels.count >= 2 else { return nil }
        if labels.count > 2, let first = labels.first, first.count >= 3,
            b[first.lowerBound] == 0x77, b[first.lowerBound + 1] == 0x77, b[first.lowerBound + 2] == 0x77,
            (first.lowerBound + 3..<first.upperBound).allSatisfy({ isDigit(b[$0]) })
        {
            labels.removeFirst()
        }
        for label in labels {
            guard !label.isEmpty, label.count <= 63 else { return nil }
            guard label.allSatisfy({ (b[$0] >= 97 && b[$0] <= 122) || isDigit(b[$0]) || b[$0] == 45 }),
                b[label.lowerBound] != 45, b[label.upperBound - 1] != 45
            else { return nil }
        }
        if labels.allSatisfy({ $0.allSatisfy { isDigit(b[$0]) } }) { return nil }  // IPv4
        if let tld = labels.last, tld.allSatisfy({ isDigit(b[$0]) }) { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(hi - lo)
        for (n, label) in labels.enumerated() {
            if n > 0 { out.append(0x2E) }
            out.append(contentsOf: b[label])
        }
        return out.count <= 253 ? String(decoding: out, as: UTF8.self) : nil
    }

    package static func registrableDomain(ofHost host: String) -> String? {
        let labels = host.split(separator: ".")
        guard labels.count >= 2 else { return nil }
        // Longest suffix in the list wins; the default rule is the last label.
        // The last n labels are the host from the start of label count-n on
        // (split omits empty labels, so for a host with empty labels fall back
        // to joining, which is what the suffix means then).
        let plain = !host.hasPrefix(".") && !host.hasSuffix(".") && Text.find("..", in: host[...]) == nil
        func suffix(_ n: Int) -> String {
            plain ? String(host[labels[labels.count - n].startIndex...]) : labels.suffix(n).joined(separator: ".")
        }
        var suffixLabels = 1
        for n in stride(from: labels.count, through: 2, by: -1) {
            if DomainLists.publicSuffixes.contains(suffix(n)) {
                suffixLabels = n
                break
            }
        }
        guard labels.count > suffixLabels else { return nil }
        return suffix(suffixLabels + 1)
    }

    /// Host + registrable domain of a URL/domain string in one step.
    package static func registrableDomain(_ raw: String) -> String? {
        host(raw).flatMap(registrableDomain(ofHost:))
    }

    /// Classifies a (normalized) mailbox domain.
    package static func mailKind(ofDomain domain: String) -> MailDomainKind {
        let reg = registrableDomain(ofHost: domain) ?? domain
        if DomainLists.disposableMail.contains(domain) || DomainLists.disposableMail.contains(reg) { return .disposable }
        if DomainLists.freeMail.contains(domain) || DomainLists.freeMail.contains(reg) { return .free }
        return .corporate
    }
}
