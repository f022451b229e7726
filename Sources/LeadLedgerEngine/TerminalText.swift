/// Text made safe for a terminal: the ids and names `watch`, `explain` and the
/// text reports print come from the records, and a record can carry escape
/// sequences (a Segment `groupId` with `ESC[2J`, a title with a backspace) that
/// would move the cursor, recolour or rewrite the screen.
package enum TerminalText {
    /// `text` with every control character written as a visible escape: C0
    /// controls, DEL and C1 controls as `\xHH`, the bidirectional overrides and
    /// isolates (U+202A–U+202E, U+2066–U+2069) as `\u{HHHH}`, and a backslash
    /// that could start such an escape as `\\`, so the escaped text is unambiguous.
    /// Line feeds and tabs are kept when `keepingLineBreaksAndTabs` (a report's
    /// own layout), else escaped too.
    package static func escapingControls(_ text: String, keepingLineBreaksAndTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLineBreaksAndTabs) || $0 == "\\" }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out.append(contentsOf: #"\\"#.unicodeScalars)
            } else if needsEscape(scalar, keepingLineBreaksAndTabs) {
                out.append(contentsOf: escape(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func needsEscape(_ scalar: Unicode.Scalar, _ keepingLineBreaksAndTabs: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !keepingLineBreaksAndTabs
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        if scalar.value < 0x100 { return "\\x" + (hex.count < 2 ? "0" + hex : hex) }
        return "\\u{" + hex + "}"
    }
}
