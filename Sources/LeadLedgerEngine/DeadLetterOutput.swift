import LeadLedgerCore
import LeadLedgerDecisions

/// The DLQ records the engine's stages produce: the one place that decides
/// whether a record copies its original or references it (DLQ version 2).
enum DeadLetterOutput {
    /// What a record carries of `bytes`: the bytes themselves up to
    /// `DeadLetter.maxCopiedBytes`, else a reference (size, SHA-256, first bytes).
    static func original(_ bytes: [UInt8]) -> DeadLetter.Original {
        if bytes.count <= DeadLetter.maxCopiedBytes { return .copy(bytes) }
        return .reference(DeadLetter.Reference(of: bytes, sha256: ContentVersion(of: bytes).sha256))
    }

    /// The DLQ record of a rejected input (`bytes`, read at `source`).
    static func rejected(
        _ bytes: [UInt8], key: [UInt8]?, source: SourcePosition, error: ContractError, stage: DeadLetter.Stage, topic: String
    ) -> OutputRecord {
        let letter = DeadLetter(original: original(bytes), originalKey: key, source: source, error: error, stage: stage)
        var record = OutputRecord(topic: topic, key: key, value: letter.encoded)
        record.observation = .rejected(error.code)
        return record
    }

    /// The DLQ record that stands in for `output`, an output derived from the
    /// input `bytes` (read at `source`) which the producer refused as too large.
    /// Always the reference form: the input stays in its topic, and a copy of it
    /// may be what was too large.
    static func unsendable(
        _ output: OutputRecord, input bytes: [UInt8], key: [UInt8]?, source: SourcePosition, stage: DeadLetter.Stage, topic: String,
        reason: String
    ) -> OutputRecord {
        let size = output.value.count + (output.key?.count ?? 0)
        let error = ContractError(.outputTooLarge, "an output of \(size) bytes to \(output.topic) cannot be produced: \(reason)")
        let reference = DeadLetter.Reference(of: bytes, sha256: ContentVersion(of: bytes).sha256)
        let letter = DeadLetter(original: .reference(reference), originalKey: key, source: source, error: error, stage: stage)
        var record = OutputRecord(
            topic: topic, key: key.flatMap { $0.count <= DeadLetter.maxReferencedKeyBytes ? $0 : nil }, value: letter.encoded)
        record.observation = .rejected(error.code)
        return record
    }
}
