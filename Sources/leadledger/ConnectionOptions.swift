import ArgumentParser
import Foundation
import LeadLedgerEngine
import LeadLedgerOperations
import Logging
import Synchronization

/// Options every Kafka command shares: where the brokers are, client properties
/// and the log level. See ``ConnectionSettings`` for the precedence rule.
struct ConnectionOptions: ParsableArguments {
    @Option(
        name: [.customShort("b"), .customLong("brokers"), .customLong("bootstrap-server")],
        help: ArgumentHelp(
            "Comma-separated bootstrap servers (default: $LEADLEDGER_BROKERS, else localhost:9092).", valueName: "host:port,..."))
    var brokers: String?

    @Option(
        name: [.customShort("X"), .customLong("property")],
        help: ArgumentHelp(
            "A librdkafka property key=value (repeatable); overrides the environment, --client-config and the YAML properties.",
            valueName: "key=value"))
    var properties: [String] = []

    @Option(
        name: .customLong("client-config"),
        help: ArgumentHelp(
            "Client properties file (Java properties, as the Kafka tools' --command-config; default: $LEADLEDGER_CLIENT_CONFIG). $LEADLEDGER_KAFKA_<KEY> variables override it.",
            valueName: "file"))
    var clientConfig: String?

    /// The Kafka tools' spelling of `--client-config`.
    @Option(name: .customLong("command-config"), help: .hidden)
    var commandConfig: String?

    @Option(help: ArgumentHelp("Log level on stderr (default: warning; run: notice).", valueName: "level"))
    var logLevel: LogLevel?

    @Option(help: ArgumentHelp("Log lines on stderr: text, or json (one object per line).", valueName: "format"))
    var logFormat: LogFormat = .text

    func validate() throws {
        if clientConfig != nil && commandConfig != nil {
            throw ValidationError("give --client-config once (--command-config is its other name)")
        }
        _ = try propertyMap()
        _ = try clientConfigLayer()
    }

    /// The `-X` properties.
    func propertyMap() throws -> [String: String] {
        try parseKeyValues(properties, what: "property")
    }

    /// The client properties file: `--client-config`, else `$LEADLEDGER_CLIENT_CONFIG`.
    var clientConfigPath: String? {
        if let path = clientConfig ?? commandConfig { return path }
        let fromEnvironment = ProcessInfo.processInfo.environment["LEADLEDGER_CLIENT_CONFIG"]
        return fromEnvironment?.isEmpty == false ? fromEnvironment : nil
    }

    private func clientConfigLayer() throws -> ConnectionSettings.Layer {
        guard let path = clientConfigPath else { return ConnectionSettings.Layer() }
        do {
            return ConnectionSettings.Layer(properties: try JavaProperties.load(path: path))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Brokers and properties from flags, environment, the client properties file
    /// and `yaml` (the engine configuration's `brokers:` and `properties:`).
    func settings(yaml: ConnectionSettings.Layer = ConnectionSettings.Layer()) throws -> ConnectionSettings {
        ConnectionSettings.resolve(
            flags: ConnectionSettings.Layer(brokers: brokers.map(ConnectionSettings.brokerList), properties: try propertyMap()),
            environment: ConnectionSettings.environmentLayer(ProcessInfo.processInfo.environment),
            clientConfig: try clientConfigLayer(),
            yaml: yaml
        )
    }

    func makeLogger(_ label: String, default level: LogLevel = .warning) -> Logger {
        LoggingBootstrap.once(logFormat)
        var logger = Logger(label: label)
        logger.logLevel = (logLevel ?? level).level
        return logger
    }
}
