import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("DecisionID (16 bytes, written dc_ + 32 hex digits)")
struct DecisionIDTests {
    @Test("the text reads back to the same id; its bytes and its state-hash mixing are those of the text")
    func roundTrip() {
        for offset in Int64(0)..<200 {
            let id = DecisionID.make(partition: Int32(offset % 3), offset: offset, kind: "route:ld_\(offset)")
            let text = id.text
            #expect(text.utf8.count == DecisionID.textLength && text.hasPrefix("dc_"))
            #expect(DecisionID(text) == id)
            var mixed = StableHash()
            id.mix(into: &mixed)
            var fromText = StableHash()
            fromText.string(text)
            #expect(mixed.value == fromText.value)
        }
    }

    @Test(
        "anything but dc_ and 32 lowercase hex digits is refused",
        arguments: [
            "", "dc_", "dc_routing", "dc_0123456789abcdef0123456789abcde", "dc_0123456789abcdef0123456789abcdef0",
            "dc_0123456789ABCDEF0123456789abcdef", "ld_0123456789abcdef0123456789abcdef", "dc_0123456789abcdeg0123456789abcdef",
        ])
    func refused(text: String) {
        #expect(DecisionID(text) == nil)
    }
}
