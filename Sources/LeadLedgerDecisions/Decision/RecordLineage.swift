import LeadLedgerCore

/// The `lineage` of a routing or audit record, decoded: the log position the
/// decision was derived from and the inbound position that log event came from.
package struct RecordLineage: Sendable, Equatable {
    /// The log (`leadledger.events`) partition.
    package var logPartition: Int32
    /// The offset within ``logPartition``.
    package var logOffset: Int64
    /// The inbound message the log event was resolved from.
    package var source: SourcePosition

    package init(logPartition: Int32, logOffset: Int64, source: SourcePosition) {
        self.logPartition = logPartition
        self.logOffset = logOffset
        self.source = source
    }

    /// Decodes a record's `lineage` member.
    package init(_ record: Fields) throws(ContractError) {
        let lineage = try record.requiredObject("lineage")
        let log = try lineage.requiredObject("log")
        let source = try lineage.requiredObject("source")
        self.init(
            logPartition: try Self.partition(log), logOffset: Int64(try log.requiredNonNegativeInteger("offset")),
            source: SourcePosition(
                topic: try source.requiredString("topic"), partition: try Self.partition(source),
                offset: Int64(try source.requiredNonNegativeInteger("offset"))))
    }

    /// The lineage of a routing or audit record's bytes, reading nothing else of the record.
    package init(recordBytes bytes: [UInt8]) throws(ContractError) {
        try self.init(try Fields.record(bytes))
    }

    /// Only the log position (`lineage.log`) of a routing or audit record's bytes:
    /// what `audit verify` needs to place a record it did not expect.
    package static func logPosition(recordBytes bytes: [UInt8]) throws(ContractError) -> (partition: Int32, offset: Int64) {
        let log = try Fields.record(bytes).requiredObject("lineage").requiredObject("log")
        return (try partition(log), Int64(try log.requiredNonNegativeInteger("offset")))
    }

    private static func partition(_ f: Fields) throws(ContractError) -> Int32 {
        let p = try f.requiredNonNegativeInteger("partition")
        guard let partition = Int32(exactly: p) else { throw f.violation("partition", "is not a partition number") }
        return partition
    }
}
