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
