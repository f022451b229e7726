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
