import Foundation
import Kafka
import LeadLedgerDecisions
import Logging

/// Rebuilds a partition's state from the nearest snapshot (or offset 0) and
/// re-derives the outputs of a range of the log: the engine side of
/// `leadledger replay` and `leadledger audit verify`.
package struct Replayer<Factory: PartitionProcessorFactory>: Sendable {
    /// Reads the log.
    package var reader: LogReader
    /// Snapshots to start from (nil: always from offset 0).
    package var store: SnapshotStore?
    /// The processor factory.
    package var factory: Factory
    /// A logger.
    package var logger: Logger

    /// Creates a replayer.
    package init(reader: LogReader, store: SnapshotStore?, factory: Factory, logger: Logger) {
        self.reader = reader
        self.store = store
        self.factory = factory
        self.logger = logger
    }

    /// Restores the state before `from` and applies `from..<to` (to the end when
    /// nil), handing each record's outputs to `body` in log order.
    package func replay(
        topic: String,
        partition: Int32,
        from: Int64,
        to: Int64?,
        progress: ProgressReporter? = nil,
        body: @Sendable (LogRecord, [OutputRecord]) async throws -> Void
    ) async throws -> ReplayResult {
        try await factory.willRestore()
        var processor = factory.makeProcessor(partition: partition)
        var start: Int64 = 0
        var restoredFrom: Int64?
        if from > 0, let store {
            let logger = self.logger
            let candidates = try store.candidates(
                topic: topic, partition: partition, atOrBelow: from, formats: Factory.Processor.readableSnapshotFormats
            ) { offset, reason in
                logger.warning("ignoring snapshot of \(topic)[\(partition)] at \(offset): \(reason)")
            }
            for candidate in candidates {
                do {
                    processor = try factory.restoreProcessor(partition: partition, snapshot: candidate.state)
                    start = candidate.offset
                    restoredFrom = candidate.offset
                    break
                } catch {
                    logger.warning("ignoring snapshot of \(topic)[\(partition)] at \(candidate.offset): cannot decode: \(error)")
                }
            }
        }
        var warm = (processor: processor, count: 0)
        if start < from {
            try await reader.fold(topic: topic, partition: partition, from: start, to: from, into: &warm) { state, record in
                _ = state.processor.apply(record)
                state.count += 1
            }
        }
        processor = warm.processor
        var derived = 0
        var localProcessor = processor
        let end = try await reader.read(topic: topic, partition: partition, from: from, to: to) { records in
            for record in records {
                let outputs = localProcessor.apply(record)
                try await body(record, outputs)
            }
            derived += records.count
            progress?.advance(by: records.count)
        }
        return ReplayResult(
            restoredFrom: restoredFrom, warmup: warm.count, derived: derived, end: max(end, from), state: localProcessor.snapshot())
    }
}
