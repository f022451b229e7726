/// Country normalization to ISO 3166-1 alpha-2.
///
/// Accepts alpha-2 codes (`us`, `GB`), alpha-3 codes (`USA`, `DEU`), English
/// short and formal names, common aliases (`UK`, `Great Britain`, `Holland`,
/// `South Korea`, `UAE`) and a few endonyms (`Deutschland`, `España`,
/// `Brasil`, `Schweiz`, `Nederland`). Matching is case-, accent- and
/// punctuation-insensitive (`U.S.A.` = `usa`), and a leading `the` is ignored.
/// The table covers the ~60 countries most common in B2B data; anything else
/// gives nil (unknown), never a guess.
package enum CountryNormalizer {
    /// (alpha-2, alpha-3, names and aliases).
    static let table: [(String, String, [String])] = [
        ("US", "USA", ["united states", "united states of america", "us of a", "america", "estados unidos"]),
        ("CA", "CAN", ["canada"]),
        ("MX", "MEX", ["mexico"]),
        ("BR", "BRA", ["brazil", "brasil"]),
        ("AR", "ARG", ["argentina"]),
        ("CL", "CHL", ["chile"]),
        ("CO", "COL", ["colombia"]),
        ("PE", "PER", ["peru"]),
        (
            "GB", "GBR",
            [
                "united kingdom", "uk", "great britain", "britain", "england", "scotland", "wales", "northern ireland",
                "united kingdom of great britain and northern ireland",
            ]
        ),
        ("IE", "IRL", ["ireland", "republic of ireland", "eire"]),
        ("DE", "DEU", ["germany", "deutschland", "federal republic of germany"]),
        ("FR", "FRA", ["france"]),
        ("ES", "ESP", ["spain", "espana"]),
        ("PT", "PRT", ["portugal"]),
        ("IT", "ITA", ["italy", "italia"]),
        ("NL", "NLD", ["netherlands", "holland", "nederland", "kingdom of the netherlands"]),
        ("BE", "BEL", ["belgium", "belgique", "belgie"]),
        ("LU", "LUX", ["luxembourg"]),
        ("CH", "CHE", ["switzerland", "schweiz", "suisse", "svizzera"]),
        ("AT", "AUT", ["austria", "osterreich"]),
        ("SE", "SWE", ["sweden", "sverige"]),
        ("NO", "NOR", ["norway", "norge"]),
        ("DK", "DNK", ["denmark", "danmark"]),
        ("FI", "FIN", ["finland", "suomi"]),
        ("IS", "ISL", ["iceland"]),
        ("PL", "POL", ["poland", "polska"]),
        ("CZ", "CZE", ["czechia", "czech republic"]),
        ("SK", "SVK", ["slovakia"]),
        ("HU", "HUN", ["hungary"]),
        ("RO", "ROU", ["romania"]),
        ("BG", "BGR", ["bulgaria"]),
        ("GR", "GRC", ["greece"]),
        ("HR", "HRV", ["croatia"]),
        ("SI", "SVN", ["slovenia"]),
        ("EE", "EST", ["estonia"]),
        ("LV", "LVA", ["latvia"]),
        ("LT", "LTU", ["lithuania"]),
        ("UA", "UKR", ["ukraine"]),
        ("RU", "RUS", ["russia", "russian federation"]),
        ("TR", "TUR", ["turkey", "turkiye"]),
        ("IL", "ISR", ["israel"]),
        ("AE", "ARE", ["united arab emirates", "uae", "emirates"]),
        ("SA", "SAU", ["saudi arabia", "ksa", "kingdom of saudi arabia"]),
        ("EG", "EGY", ["egypt"]),
        ("ZA", "ZAF", ["south africa", "rsa"]),
        ("NG", "NGA", ["nigeria"]),
        ("KE", "KEN", ["kenya"]),
        ("IN", "IND", ["india", "bharat"]),
        ("PK", "PAK", ["pakistan"]),
        ("CN", "CHN", ["china", "peoples republic of china", "prc", "mainland china"]),
        ("HK", "HKG", ["hong kong", "hong kong sar"]),
        ("TW", "TWN", ["taiwan"]),
        ("JP", "JPN", ["japan", "nippon"]),
        ("KR", "KOR", ["south korea", "korea", "republic of korea", "korea republic of", "korea south"]),
        ("SG", "SGP", ["singapore"]),
        ("MY", "MYS", ["malaysia"]),
        ("TH", "THA", ["thailand"]),
        ("VN", "VNM", ["vietnam", "viet nam"]),
        ("PH", "PHL", ["philippines"]),
        ("ID", "IDN", ["indonesia"]),
        ("AU", "AUS", ["australia"]),
        ("NZ", "NZL", ["new zealand", "aotearoa"]),
    ]

    static let index: [String: String] = {
        var m: [String: String] = [:]
        for (a2, a3, names) in table {
            m[a2.lowercased()] = a2
            m[a3.lowercased()] = a2
            for n in names { m[n] = a2 }
        }
        return m
    }()

    /// Known alpha-2 codes.
    package static let alpha2: Set<String> = Set(table.map(\.0))

    /// The ISO 3166-1 alpha-2 code for `raw`, or nil when unknown.
    package static func alpha2(_ raw: String) -> String? {
        var key = Text.matchKey(raw, ampersandAsAnd: false)
        if key.hasPrefix("the ") { key.removeFirst(4) }
        if let c = index[key] { return c }
        // "U S A" from "U. S. A." style spacing.
        let squeezed = key.filter { $0 != " " }
        if squeezed.count <= 3, let c = index[squeezed] { return c }
        return nil
    }
}
