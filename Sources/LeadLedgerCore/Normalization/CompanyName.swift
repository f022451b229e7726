/// Company-name normalization for matching (not for display).
///
/// Rules, in order:
/// 1. Unicode lower-case, diacritics removed (`Bücher` → `bucher`), `&` → `and`.
/// 2. `A/S` becomes `as`; `.` and apostrophes deleted (`S.A.` → `sa`, `L.L.C.` → `llc`), every other
///    punctuation or symbol becomes a space; whitespace collapsed.
/// 3. A leading `the` is dropped.
/// 4. Trailing legal-form tokens are removed repeatedly (`inc`, `llc`, `ltd`,
///    `gmbh`, `ag`, `sa`, `bv`, `pty ltd`, `co ltd`, `plc`, ... see
///    ``legalSuffixes``) as long as a name remains: `Acme Holdings Pty. Ltd.` →
///    `acme holdings`, `Siemens AG` → `siemens`, `Inc.` alone stays `inc`.
///
/// The result is a key: two names with the same key are taken to be the same
/// company by the company-name fallback of account matching.
package enum CompanyNameNormalizer {
    /// Legal-form suffixes (single tokens after rule 2). Multi-token forms
    /// (`pty ltd`, `co ltd`) fall out of removing tokens repeatedly.
    package static let legalSuffixes: Set<String> = [
        "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd", "limited",
        "plc", "gmbh", "mbh", "ag", "kg", "kgaa", "ug", "ev", "sa", "sas", "sasu", "sarl", "srl", "spa", "sl", "sau",
        "bv", "nv", "vof", "oy", "oyj", "ab", "as", "asa", "aps", "kk", "gk", "pty", "pte", "pvt", "private",
        "sdn", "bhd", "tbk", "pt", "se", "ulc", "lda", "ltda", "sro", "spol", "zrt", "kft", "doo", "ooo", "oao", "pjsc",
        "cv", "de", "rl", "sab", "sc", "sp", "zoo", "group", "holding", "holdings",
    ]

    /// The matching key of a company name, or nil when nothing is left.
    package static func matchKey(_ name: String) -> String? {
        let slashFree =
            name.utf8.contains(UInt8(ascii: "/"))
            ? name.replacingOccurrences(of: "A/S", with: "AS").replacingOccurrences(of: "a/s", with: "as") : name
        var tokens = Text.matchKey(slashFree).split(separator: " ").map(String.init)
        if tokens.count > 1, tokens.first == "the" { tokens.removeFirst() }
        while tokens.count > 1, let last = tokens.last, legalSuffixes.contains(last) { tokens.removeLast() }
        let key = tokens.joined(separator: " ")
        return key.isEmpty ? nil : key
    }
}
