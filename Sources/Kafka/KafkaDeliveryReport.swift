/// Where the broker stored a produced message.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition the message was written to.
    public var partition: Int32
    /// The offset the message was written at.
    public var offset: Int64
}
