/// Receives a client's statistics: librdkafka's JSON document, emitted every
/// `statistics.interval.ms` (set that property to enable it). Called on the
/// client's poll thread: keep it short.
public typealias KafkaStatisticsHandler = @Sendable ([UInt8]) -> Void

extension Duration {
    /// Whole milliseconds, saturating into `Int`.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow { return Int.max }
        return Int(clamping: ms.partialValue + attoseconds / 1_000_000_000_000_000)
    }

    var millisecondsInt32: Int32 { Int32(clamping: milliseconds) }
}
