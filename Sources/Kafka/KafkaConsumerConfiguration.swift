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
