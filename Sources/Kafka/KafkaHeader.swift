/// A Kafka record header. Keys may repeat; values may be absent (`nil`).
public struct KafkaHeader: Sendable, Hashable {
    /// The header name.
    public var key: String
    /// The header value; `nil` for a header without a value.
    public var value: [UInt8]?

    /// Creates a header with a binary value.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(key: String, value: String) {
        self.key = key
        self.value = Array(value.utf8)
    }
}
