import Foundation
import Testing

@testable import LeadLedgerCore

/// `leadledger.dlq` records read back (what `dlq redrive` does) and base64 both ways.
@Suite("DLQ records: decoding")
struct DeadLetterCodecTests {
    @Test("both forms read back equal to what was written", arguments: [0, 1, 2, 3, 700])
    func roundTrip(size: Int) throws {
        let original = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let source = SourcePosition(topic: "crm.events", partition: 2, offset: 41)
        let error = ContractError(.schemaViolation, field: "$.lead.email", "$.lead.email is not an email")
        let copy = DeadLetter(original: original, originalKey: Array("k-1".utf8), source: source, error: error)
        #expect(try DeadLetter(bytes: copy.encoded) == copy)
        let reference = DeadLetter(
            original: .reference(.init(of: original, sha256: String(repeating: "ab", count: 32))), originalKey: nil, source: source,
            error: ContractError(.outputTooLarge, "too large"), stage: .materialize)
        #expect(try DeadLetter(bytes: reference.encoded) == reference)
    }

    @Test("base64 decodes what it encodes and refuses what is not base64")
    func base64() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 7) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("TWFu") == Array("Man".utf8))
        for bad in ["TWF", "TW=u", "TWFu=", "T===", "TW@u", "TWFuTQ="] { #expect(Base64.decode(bad) == nil, "\(bad)") }
    }

    @Test("a record that is not a DLQ record is a schema violation")
    func notARecord() {
        #expect(throws: ContractError.self) { try DeadLetter(bytes: Array(#"{"schema_version":3}"#.utf8)) }
        #expect(throws: ContractError.self) { try DeadLetter(bytes: Array("not json".utf8)) }
    }
}
