/// Phone normalization to E.164 (`+` country code + national number, 8–15 digits).
///
/// Rules:
/// 1. An extension (`ext`, `ext.`, `x`, `#` and what follows) is dropped.
/// 2. Only digits are kept, plus a leading `+`; letters elsewhere make the input invalid.
/// 3. `+…` is already international; `00…` (and `011…` from NANP countries) is
///    read as `+…`.
/// 4. Otherwise the country (ISO alpha-2, see ``CountryNormalizer``) must be
///    known: its calling code is prefixed after removing the national trunk
///    prefix `0` (not for Italy, whose leading 0 is part of the number); NANP
///    numbers (US, CA) must have 10 digits, or 11 starting with `1`.
/// 5. The result must have 8–15 digits; else nil. Unknown country → nil.
package enum PhoneNormalizer {
    /// ISO alpha-2 → ITU calling code for common countries.
    package static let callingCodes: [String: String] = [
        "US": "1", "CA": "1", "MX": "52", "BR": "55", "AR": "54", "CL": "56", "CO": "57", "PE": "51",
        "GB": "44", "IE": "353", "DE": "49", "FR": "33", "ES": "34", "PT": "351", "IT": "39", "NL": "31",
        "BE": "32", "LU": "352", "CH": "41", "AT": "43", "SE": "46", "NO": "47", "DK": "45", "FI": "358",
        "IS": "354", "PL": "48", "CZ": "420", "SK": "421", "HU": "36", "RO": "40", "BG": "359", "GR": "30",
        "HR": "385", "SI": "386", "EE": "372", "LV": "371", "LT": "370", "UA": "380", "RU": "7", "TR": "90",
        "IL": "972", "AE": "971", "SA": "966", "EG": "20", "ZA": "27", "NG": "234", "KE": "254", "IN": "91",
        "PK": "92", "CN": "86", "HK": "852", "TW": "886", "JP": "81", "KR": "82", "SG": "65", "MY": "60",
        "TH": "66", "VN": "84", "PH": "63", "ID": "62", "AU": "61", "NZ": "64",
    ]

    /// E.164 form of `raw`, given the lead's country (any form ``CountryNormalizer`` accepts).
    package static func e164(_ raw: String, country: String?) -> String? {
        var s = Substring(Text.trim(raw).lowercased())
        for marker in ["extension", "ext.", "ext", "x", "#"] {
            if let r = Text.find(marker, in: s) { s = s[..<r.lowerBound] }
        }
        var digits = ""
        var plus = false
        for ch in s {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
            } else if ch == "+" && digits.isEmpty && !plus {
                plus = true
            } else if ch == " " || ch == "-" || ch == "." || ch == "(" || ch == ")" || ch == "/" || ch == "\u{00A0}" {
                continue
            } else {
                return nil
            }
        }
        let iso = country.flatMap { CountryNormalizer.alpha2($0) }
        let code: (String, String)? = iso.flatMap { i in callingCodes[i].map { c in (c, i) } }
        var international: String
        if plus {
            international = digits
        } else if digits.hasPrefix("00") {
            international = String(digits.dropFirst(2))
        } else if digits.hasPrefix("011"), code?.0 == "1" {
            international = String(digits.dropFirst(3))
        } else {
            guard let (cc, iso) = code else { return nil }
            var national = Substring(digits)
            if cc == "1" {
                if national.count == 11, national.hasPrefix("1") { national = national.dropFirst() }
                guard national.count == 10 else { return nil }
            } else if iso != "IT" {
                while national.hasPrefix("0") { national = national.dropFirst() }
            }
            international = cc + national
        }
        guard (8...15).contains(international.count), !international.hasPrefix("0") else { return nil }
        return "+" + international
    }
}
