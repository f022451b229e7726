import CRdKafka
import Dispatch
import Logging

/// Per-client context handed to librdkafka's C callbacks as the `opaque`.
/// Subclassed by the producer and consumer cores.
class RdClientContext: @unchecked Sendable {
    // @unchecked Sendable: `logger` is an immutable Sendable value; subclasses keep
    // their mutable state behind a `Mutex` (documented there).
    let logger: Logger
    /// Receives librdkafka's statistics JSON (`statistics.interval.ms`), on the
    /// thread that polls the client; nil: no statistics callback is registered.
    let statisticsHandler: KafkaStatisticsHandler?

    init(logger: Logger, statisticsHandler: KafkaStatisticsHandler? = nil) {
        self.logger = logger
        self.statisticsHandler = statisticsHandler
    }

    /// Called for client-level errors from the error callback; subclasses react to fatal ones.
    func clientError(_ error: KafkaError) {}

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RdClientContext? {
        guard let opaque else { return nil }
        return Unmanaged<RdClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}
