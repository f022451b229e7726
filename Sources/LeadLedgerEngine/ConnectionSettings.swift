import Foundation

/// The bootstrap servers and librdkafka properties of a client, and the one rule
/// that combines the places they come from.
///
/// Precedence, highest first: command-line flags (`-X key=value`, `--brokers`),
/// the environment (`LEADLEDGER_KAFKA_<KEY>`, `LEADLEDGER_BROKERS`), the client
/// properties file (`--client-config`), the engine's YAML (`brokers:`,
/// `properties:`), the defaults (`localhost:9092`, no properties). A property
/// set in a higher layer replaces the same key of every lower one; the others
/// are kept. `bootstrap.servers` given as a property is the broker list of its
/// layer; within one layer the dedicated setting (`--brokers`,
/// `LEADLEDGER_BROKERS`, YAML `brokers:`) wins over it.
package struct ConnectionSettings: Sendable, Hashable {
    /// Bootstrap servers.
    package var brokers: [String]
    /// librdkafka properties (without `bootstrap.servers`).
    package var properties: [String: String]

    /// Kafka's usual address.
    package static let defaultBrokers = ["localhost:9092"]

    /// The environment variable with the broker list.
    package static let brokersVariable = "LEADLEDGER_BROKERS"
    /// The prefix of environment variables that carry a librdkafka property.
    package static let propertyVariablePrefix = "LEADLEDGER_KAFKA_"

    /// The settings one source contributes.
    package struct Layer: Sendable, Hashable {
        /// The broker list, when this source names one.
        package var brokers: [String]?
        /// Properties, possibly with `bootstrap.servers`.
        package var properties: [String: String]

        /// Creates a layer.
        package init(brokers: [String]? = nil, properties: [String: String] = [:]) {
            self.brokers = brokers
            self.properties = properties
        }
    }

    /// Creates settings.
    package init(brokers: [String], properties: [String: String]) {
        self.brokers = brokers
        self.properties = properties
    }

    /// Combines the layers by the precedence rule (see the type's documentation).
    package static func resolve(flags: Layer, environment: Layer, clientConfig: Layer, yaml: Layer) -> ConnectionSettings {
        var settings = ConnectionSettings(brokers: defaultBrokers, properties: [:])
        for layer in [yaml, clientConfig, environment, flags] {
            var properties = layer.properties
            if let servers = properties.removeValue(forKey: "bootstrap.servers") { settings.brokers = brokerList(servers) }
            if let brokers = layer.brokers { settings.brokers = brokers }
            settings.properties.merge(properties) { _, higher in higher }
        }
        return settings
    }

    /// The environment's layer: `LEADLEDGER_BROKERS` and every `LEADLEDGER_KAFKA_<KEY>`
    /// (see ``propertyKey(variable:)``). Empty values are ignored.
    package static func environmentLayer(_ environment: [String: String]) -> Layer {
        var layer = Layer()
        if let brokers = environment[brokersVariable], !brokers.isEmpty { layer.brokers = brokerList(brokers) }
        for (name, value) in environment where !value.isEmpty {
            if let key = propertyKey(variable: name) { layer.properties[key] = value }
        }
        return layer
    }

    /// The librdkafka property an environment variable names: `LEADLEDGER_KAFKA_SASL_PASSWORD`
    /// is `sasl.password` (upper case, dots written as underscores); nil for other variables.
    package static func propertyKey(variable name: String) -> String? {
        guard name.hasPrefix(propertyVariablePrefix), name.count > propertyVariablePrefix.count else { return nil }
        return String(name.dropFirst(propertyVariablePrefix.count)).lowercased().replacing("_", with: ".")
    }

    /// A comma-separated broker list, trimmed, without empty entries.
    package static func brokerList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
