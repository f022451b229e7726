/// A `leadledger.dlq` record read back into typed values (the read model's DLQ
/// view): the decoder for the contract ``DeadLetter`` writes. Unknown members
/// are ignored (additive changes).
package struct DeadLetterView: Sendable, Equatable {
    /// The rejected message's position.
    package var source: SourcePosition
    /// The machine-readable error code (`ContractError.Code`'s raw value).
    package var errorCode: String
    /// The field the error is about, if any.
    package var field: String?
    /// The human-readable reason.
    package var reason: String
    /// The stage that rejected the message (`resolve`, …).
    package var stage: String
    /// The original bytes as base64 (a copy), or the first bytes of a referenced original.
    package var originalBase64: String?
    /// The original's size when only referenced (schema_version 2).
    package var originalSize: Int?

    /// Decodes a DLQ record's bytes.
    package init(_ bytes: [UInt8]) throws(ContractError) {
        let f = try Fields.record(bytes)
        let s = try f.requiredObject("source")
        guard let partition = Int32(exactly: try s.requiredNonNegativeInteger("partition")) else {
            throw s.violation("partition", "is not a partition number")
        }
        source = SourcePosition(
            topic: try s.requiredString("topic"), partition: partition, offset: Int64(try s.requiredNonNegativeInteger("offset")))
        errorCode = try f.requiredString("error_code")
        field = try f.string("field")
        reason = try f.requiredString("reason")
        stage = try f.requiredString("stage")
        if let copy = try f.string("original_base64") {
            originalBase64 = copy
        } else {
            originalBase64 = try f.string("original_prefix_base64")
        }
        originalSize = try f.number("original_size").map { Int($0) }
    }
}
