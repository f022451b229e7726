/// Receives a client's statistics: librdkafka's JSON document, emitted every
/// `statistics.interval.ms` (set that property to enable it). Called on the
/// client's poll thread: keep it short.
public typealias KafkaStatisticsHandler = @Sendable ([UInt8]) -> Void

/// Settings every client shares.
public struct KafkaClientSettings: Sendable {
    /// `bootstrap.servers`, e.g. `["127.0.0.1:9092"]`.
    public var bootstrapServers: [String]
    /// `client.id`.
    public var clientID: String
    /// Arbitrary librdkafka properties, applied after (and so overriding) the typed settings.
    /// See librdkafka's CONFIGURATION.md for the names.
    public var properties: [String: String]
    /// Receives the statistics JSON when `statistics.interval.ms` is set (nil: none).
    public var statisticsHandler: KafkaStatisticsHandler?

    /// Creates settings.
    public init(bootstrapServers: [String], clientID: String = "leadledger", properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.properties = properties
    }
}

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

/// Consumer configuration. Defaults: manual commits only (`enable.auto.commit=false`,
/// `enable.auto.offset.store=false`), `auto.offset.reset=earliest`, cooperative-sticky.
public struct KafkaConsumerConfiguration: Sendable {
    /// `partition.assignment.strategy`.
    public enum AssignmentStrategy: String, Sendable {
        /// Incremental (cooperative) rebalancing: only moved partitions are revoked.
        case cooperativeSticky = "cooperative-sticky"
        /// Eager range assignment: every rebalance revokes everything.
        case range = "range"
        /// Eager round-robin assignment.
        case roundRobin = "roundrobin"
    }

    /// `auto.offset.reset`: where to start without a committed offset.
    public enum AutoOffsetReset: String, Sendable {
        case earliest, latest
        /// Fail with `.offsetOutOfRange`-like errors instead.
        case error
    }

    /// How messages are handed to the application.
    public enum Delivery: Sendable {
        /// One stream (`KafkaConsumer.events`) of batches that may mix partitions.
        case batches
        /// One stream per assigned partition (`KafkaConsumer.partitions`), so each
        /// partition can be processed by its own task or actor.
        case perPartition
    }

    /// Bootstrap servers, client id and pass-through properties.
    public var client: KafkaClientSettings
    /// `group.id`; required for `subscribe` and commits, optional for manual assignment.
    public var groupID: String?
    /// `session.timeout.ms` (default 45 s, Kafka's default). Tansu completes joins only
    /// after half of it (SPEC §7); tests use 6 s.
    public var sessionTimeout: Duration = .seconds(45)
    /// `heartbeat.interval.ms`; nil keeps librdkafka's default (3 s).
    public var heartbeatInterval: Duration? = nil
    /// `max.poll.interval.ms` (default 300 s). Rebalance handlers must return well within it.
    public var maxPollInterval: Duration = .seconds(300)
    /// `auto.offset.reset` (default earliest).
    public var autoOffsetReset: AutoOffsetReset = .earliest
    /// `partition.assignment.strategy` (default cooperative-sticky).
    public var assignmentStrategy: AssignmentStrategy = .cooperativeSticky
    /// `enable.partition.eof`: deliver `.endOfPartition` events (default false).
    public var enablePartitionEOF: Bool = false
    /// Batch or per-partition delivery (default batches).
    public var delivery: Delivery = .batches
    /// Newly assigned partitions start paused: paused inside the rebalance
    /// callback, right after they are assigned, so none of their messages is
    /// fetched until the application resumes them (default false). For readers
    /// that prepare each partition before reading it (restoring its state): a
    /// partition paused later could already have filled its stream's buffer, and
    /// a full buffer holds up the poll thread past `max.poll.interval.ms`.
    public var pausesNewPartitions: Bool = false
    /// Most messages taken from librdkafka per poll and delivered per batch (default 1024).
    public var maxBatchSize: Int = 1024
    /// Messages buffered per stream before the poll thread waits for the application
    /// to catch up (default 10 000). Rebalances are served between batches only.
    public var bufferCapacity: Int = 10_000
    /// How long closing may take (leaving the group, the final revoke handler) before
    /// the consumer is destroyed without a group close (default 10 s).
    public var closeTimeout: Duration = .seconds(10)

    /// Creates a configuration.
    public init(bootstrapServers: [String], groupID: String? = nil, clientID: String = "leadledger", properties: [String: String] = [:]) {
        self.client = KafkaClientSettings(bootstrapServers: bootstrapServers, clientID: clientID, properties: properties)
        self.groupID = groupID
    }

    var rdProperties: [(String, String)] {
        var props: [(String, String)] = [
            ("bootstrap.servers", client.bootstrapServers.joined(separator: ",")),
            ("client.id", client.clientID),
            ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"),
            ("auto.offset.reset", autoOffsetReset.rawValue),
            ("session.timeout.ms", String(sessionTimeout.milliseconds)),
            ("max.poll.interval.ms", String(maxPollInterval.milliseconds)),
            ("partition.assignment.strategy", assignmentStrategy.rawValue),
            ("enable.partition.eof", enablePartitionEOF ? "true" : "false"),
        ]
        if let groupID { props.append(("group.id", groupID)) }
        if let heartbeatInterval { props.append(("heartbeat.interval.ms", String(heartbeatInterval.milliseconds))) }
        props += client.properties.sorted { $0.key < $1.key }
        return props
    }
}

/// Admin client configuration.
public struct KafkaAdminConfiguration: Sendable {
    /// Bootstrap servers, client id and pass-through properties.
    public var client: KafkaClientSettings
    /// Default timeout of admin requests (default 30 s).
    public var requestTimeout: Duration = .seconds(30)

    /// Creates a configuration.
    public init(bootstrapServers: [String], clientID: String = "leadledger-admin", properties: [String: String] = [:]) {
        self.client = KafkaClientSettings(bootstrapServers: bootstrapServers, clientID: clientID, properties: properties)
    }

    var rdProperties: [(String, String)] {
        [
            ("bootstrap.servers", client.bootstrapServers.joined(separator: ",")),
            ("client.id", client.clientID),
        ] + client.properties.sorted { $0.key < $1.key }
    }
}

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
