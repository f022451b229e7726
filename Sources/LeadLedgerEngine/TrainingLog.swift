import LeadLedgerCore
import LeadLedgerDecisions

extension LogReader {
    /// Reads `topic[partition]` of the canonical log from offset 0 to its end (the
    /// end learnt from the fetch path, see ``LogReader``) into an
    /// ``OutcomeExampleBuilder`` with `extractor`'s schema: the I/O side of
    /// `leadledger train`. Records that do not decode as canonical events (the
    /// materialize stage sends them to the DLQ) are skipped and counted.
    /// - Returns: the builder fed the whole partition and the number of skipped records.
    package func outcomeExamples(topic: String, partition: Int32, extractor: FeatureExtractor) async throws -> (
        builder: OutcomeExampleBuilder, undecodable: Int
    ) {
        var state = (builder: OutcomeExampleBuilder(partition: partition, extractor: extractor), undecodable: 0)
        try await fold(topic: topic, partition: partition, from: 0, to: nil, into: &state) { state, record in
            do {
                guard let event = try record.canonicalEvent() else { return }
                state.builder.apply(event, offset: record.offset)
            } catch {
                state.undecodable += 1
            }
        }
        return state
    }
}
