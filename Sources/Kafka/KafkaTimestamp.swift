/// The message timestamp as the broker reports it.
public enum KafkaTimestamp: Sendable, Hashable {
    /// No timestamp available.
    case none
    /// Set by the producer (milliseconds since the Unix epoch).
    case createTime(Int64)
    /// Set by the broker when it appended the message (milliseconds since the Unix epoch).
    case logAppendTime(Int64)

    /// Milliseconds since the Unix epoch, if there is a timestamp.
    public var milliseconds: Int64? {
        switch self {
        case .none: return nil
        case .createTime(let ms), .logAppendTime(let ms): return ms
        }
    }
}
