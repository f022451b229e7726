/// Producer configuration. Defaults favour safety: idempotence on, `acks=all`.
public struct KafkaProducerConfiguration: Sendable {
    /// `acks`.
    public enum Acks: String, Sendable {
        /// Wait for all in-sync replicas (required with idempotence).
        case all = "all"
        /// Wait for the leader only.
        case leader = "1"
        /// Do not wait at all.
        case none = "0"
    }

    /// `compression.type`.
    public enum Compression: String, Sendable {
        case none, gzip, snappy, lz4, zstd
    }

    /// Bootstrap servers, client id and pass-through properties.
    public var client: KafkaClientSettings
    /// `enable.idempotence` (default true): no duplicates or reordering from retries.
    public var enableIdempotence: Bool = true
    /// `acks` (default all).
    public var acks: Acks = .all
    /// `linger.ms` (default 5).
    public var lingerMilliseconds: Int = 5
    /// `batch.size` in bytes; nil keeps librdkafka's default (1 MB).
    public var batchSizeBytes: Int? = nil
    /// `compression.type` (default none).
    public var compression: Compression = .none
    /// `message.timeout.ms`: how long a message may wait for delivery (including
    /// retries while the broker is unreachable) before it fails with
    /// `.localMessageTimedOut` (default 300 s, librdkafka's default).
    public var messageTimeout: Duration = .seconds(300)
    /// `queue.buffering.max.messages` (default 100 000).
    public var queueBufferingMaxMessages: Int = 100_000
    /// The in-flight window of the fast path: at most this many messages are
    /// enqueued but not yet reported; `enqueue` suspends beyond it (default 100 000).
    public var maxInFlightMessages: Int = 100_000
    /// How long shutdown waits for outstanding deliveries before it purges them
    /// (they then fail with `.localPurgeQueue`/`.localPurgeInflight`). Default 10 s.
    public var shutdownFlushTimeout: Duration = .seconds(10)

    /// Creates a configuration.
    public init(bootstrapServers: [String], clientID: String = "leadledger", properties: [String: String] = [:]) {
        self.client = KafkaClientSettings(bootstrapServers: bootstrapServers, clientID: clientID, properties: properties)
    }

    var rdProperties: [(String, String)] {
        var props: [(String, String)] = [
            ("bootstrap.servers", client.bootstrapServers.joined(separator: ",")),
            ("client.id", client.clientID),
            ("enable.idempotence", enableIdempotence ? "true" : "false"),
            ("acks", acks.rawValue),
            ("linger.ms", String(lingerMilliseconds)),
            ("compression.type", compression.rawValue),
            ("message.timeout.ms", String(messageTimeout.milliseconds)),
            ("queue.buffering.max.messages", String(queueBufferingMaxMessages)),
        ]
        if let batchSizeBytes { props.append(("batch.size", String(batchSizeBytes))) }
        props += client.properties.sorted { $0.key < $1.key }
        return props
    }
}
