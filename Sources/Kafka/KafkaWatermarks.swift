/// Low and high watermark of a partition. `high` is the offset the next message
/// will get, so `high - low` messages are present and the lag of a consumer at
/// position `p` is `high - p`.
public struct KafkaWatermarks: Sendable, Hashable {
    /// The first available offset.
    public var low: Int64
    /// The offset the next produced message will get.
    public var high: Int64

    /// Creates watermarks.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}
