import Foundation

/// Small text helpers shared by the normalizers.
enum Text {
    /// Unicode lower-casing followed by NFC, so canonically equivalent inputs
    /// produce identical bytes (lead ids hash those bytes).
    static func fold(_ s: String) -> String {
        if isASCII(s) { return s.lowercased() }  // NFC is the identity on ASCII
        return s.lowercased().precomposedStringWithCanonicalMapping
    }

    @inline(__always) static func isASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 < 0x80 }
    }

    /// `fold`, then diacritics removed (é → e, ü → u) for fuzzy matching keys.
    static func foldDiacritics(_ s: String) -> String {
        if isASCII(s) { return s.lowercased() }
        return s.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .lowercased().precomposedStringWithCanonicalMapping
    }

    /// Trims Unicode whitespace (and NUL) from both ends.
    static func trim(_ s: Substring) -> Substring {
        if let f = s.utf8.first, let l = s.utf8.last, f > 0x20, f < 0x7F, l > 0x20, l < 0x7F { return s }
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi, s[lo].isWhitespace || s[lo] == "\u{0}" { lo = s.index(after: lo) }
        while hi > lo {
            let p = s.index(before: hi)
            if s[p].isWhitespace || s[p] == "\u{0}" { hi = p } else { break }
        }
        return s[lo..<hi]
    }

    static func trim(_ s: String) -> String { String(trim(s[...])) }

    /// Lower-cases, removes diacritics, deletes `.` and `'`, turns other
    /// punctuation/symbols into spaces, collapses whitespace: a matching key.
    static func matchKey(_ s: String, ampersandAsAnd: Bool = true) -> String {
        if isASCII(s) { return asciiMatchKey(s, ampersandAsAnd: ampersandAsAnd) }
        var t = foldDiacritics(s)
        if ampersandAsAnd { t = t.replacingOccurrences(of: "&", with: " and ") }
        var out = ""
        out.reserveCapacity(t.utf8.count)
        var pendingSpace = false
        for ch in t {
            if ch == "." || ch == "'" || ch == "’" { continue }
            if ch.isLetter || ch.isNumber {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            } else {
                pendingSpace = true
            }
        }
        return out
    }

    /// ``matchKey(_:ampersandAsAnd:)`` for ASCII input, on bytes (same result, no Foundation).
    static func asciiMatchKey(_ s: String, ampersandAsAnd: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        var pendingSpace = false
        func word(_ bytes: some Sequence<UInt8>) {
            if pendingSpace && !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(contentsOf: bytes)
        }
        for var b in s.utf8 {
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "'") { continue }
            if b == UInt8(ascii: "&") && ampersandAsAnd {
                pendingSpace = true
                word("and".utf8)
                pendingSpace = true
                continue
            }
            if b >= 65 && b <= 90 { b += 32 }
            if (b >= 97 && b <= 122) || (b >= 48 && b <= 57) {
                word(CollectionOfOne(b))
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The range of the first occurrence of `needle` in `hay`, comparing UTF-8
    /// bytes (no Foundation, no locale).
    static func find(_ needle: String, in hay: Substring) -> Range<Substring.Index>? {
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return nil }
        let u = hay.utf8
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == n[0] {
                var j = i
                var k = 0
                while k < n.count, j != u.endIndex, u[j] == n[k] {
                    k += 1
                    j = u.index(after: j)
                }
                if k == n.count { return i..<j }
            }
            i = u.index(after: i)
        }
        return nil
    }

    /// Whether the word list contains `phrase` (space-separated words) as a contiguous run.
    static func hasPhrase(_ words: [String], _ phrase: String) -> Bool {
        hasPhrase(words, phrase.split(separator: " ").map(String.init))
    }

    /// Whether the word list contains the pre-split phrase `p` as a contiguous run.
    static func hasPhrase(_ words: [String], _ p: [String]) -> Bool {
        guard !p.isEmpty, words.count >= p.count else { return false }
        for start in 0...(words.count - p.count) {
            var ok = true
            for k in 0..<p.count where words[start + k] != p[k] {
                ok = false
                break
            }
            if ok { return true }
        }
        return false
    }

    /// Loads a resource list: one entry per line, `#` comments and blank lines skipped.
    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap {
            let t = trim($0)
            return t.isEmpty || t.hasPrefix("#") ? nil : String(t)
        }
    }

    /// Lower-case hex of `v`, zero-padded to 16 digits.
    static func hex16(_ v: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { out in
            writeHex16(v, into: out, at: 0)
            return 16
        }
    }

    /// Writes the 16 lowercase hex digits of `v` at `out[at..<at + 16]`.
    @inline(__always)
    static func writeHex16(_ v: UInt64, into out: UnsafeMutableBufferPointer<UInt8>, at: Int) {
        var x = v
        for i in stride(from: at + 15, through: at, by: -1) {
            let d = UInt8(truncatingIfNeeded: x & 0xF)
            out[i] = d < 10 ? 0x30 + d : 0x57 + d
            x >>= 4
        }
    }
}
