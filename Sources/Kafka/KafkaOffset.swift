/// A position in a partition: an absolute offset or one of Kafka's logical offsets.
public enum KafkaOffset: Sendable, Hashable, CustomStringConvertible {
    /// The first offset still in the partition.
    case beginning
    /// The end of the partition: only messages produced from now on.
    case end
    /// The committed offset of the consumer group (falling back to `auto.offset.reset`).
    case stored
    /// An absolute offset.
    case offset(Int64)

    var rawValue: Int64 {
        switch self {
        case .beginning: return -2  // RD_KAFKA_OFFSET_BEGINNING
        case .end: return -1  // RD_KAFKA_OFFSET_END
        case .stored: return -1000  // RD_KAFKA_OFFSET_STORED
        case .offset(let value): return value
        }
    }

    init(rawValue: Int64) {
        switch rawValue {
        case -2: self = .beginning
        case -1: self = .end
        case -1000, -1001: self = .stored
        default: self = .offset(rawValue)
        }
    }

    public var description: String {
        switch self {
        case .beginning: return "beginning"
        case .end: return "end"
        case .stored: return "stored"
        case .offset(let value): return String(value)
        }
    }
}
