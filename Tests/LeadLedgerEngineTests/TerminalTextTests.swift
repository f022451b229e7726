import LeadLedgerEngine
import Testing

/// Control characters from records never reach a terminal raw.
@Suite("Terminal text")
struct TerminalTextTests {
    @Test func controlCharactersAreEscaped() {
        #expect(TerminalText.escapingControls("ld_plain ok ä ✓") == "ld_plain ok ä ✓")
        #expect(TerminalText.escapingControls("grp\u{1B}[2Jx") == #"grp\x1b[2Jx"#)
        #expect(TerminalText.escapingControls("a\u{07}b\u{7F}c\u{9B}d\u{0}") == #"a\x07b\x7fc\x9bd\x00"#)
        #expect(TerminalText.escapingControls("left\u{202E}txt.exe") == #"left\u{202e}txt.exe"#)
        #expect(TerminalText.escapingControls("a\\x1b") == #"a\\x1b"#)
        #expect(TerminalText.escapingControls("l1\tx\nl2\r") == #"l1\x09x\x0al2\x0d"#)
        #expect(TerminalText.escapingControls("l1\tx\nl2\r", keepingLineBreaksAndTabs: true) == "l1\tx\nl2\\x0d")
    }
}
