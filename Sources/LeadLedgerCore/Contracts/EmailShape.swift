/// The loose email shape every contract requires where an email is an
/// identity: `^[^@\s]+@[^@\s]+\.[^@\s]+$(?!\n)`, i.e. one `@`, no whitespace,
/// a dot inside the domain. Stricter checks happen in ``EmailNormalizer``.
package enum EmailShape {
    /// The JSON Schema pattern, identical in the schema files.
    package static let pattern = #"^[^@\s]+@[^@\s]+\.[^@\s]+$(?!\n)"#

    /// The pattern of CRM email fields (`crm.events.schema.json`): ``pattern``
    /// with surrounding whitespace allowed. CRM exports often pad addresses;
    /// the decoder removes the padding (``trimmed(_:)``) before any other check.
    package static let trimmingPattern = #"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$(?!\n)"#

    /// `s` without leading and trailing whitespace as ``pattern``'s `\s` reads
    /// it (Unicode White_Space plus U+001C–U+001F).
    package static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return s }
        return String(scalars[first...last])
    }

    @inline(__always) static func isSpace(_ u: Unicode.Scalar) -> Bool {
        u.properties.isWhitespace || (0x1C...0x1F).contains(u.value)
    }

    /// Whether `s` matches ``pattern`` (Python `\s` semantics: Unicode White_Space plus U+001C–U+001F).
    package static func matches(_ s: String) -> Bool {
        var at = -1
        var count = 0
        var dots: [Int] = []
        for (i, u) in s.unicodeScalars.enumerated() {
            if isSpace(u) { return false }
            if u == "@" {
                if at >= 0 { return false }
                at = i
            } else if u == ".", at >= 0 {
                dots.append(i - at - 1)
            }
            count = i + 1
        }
        guard at > 0 else { return false }
        let domainLength = count - at - 1
        return dots.contains { $0 >= 1 && $0 <= domainLength - 2 }
    }
}
