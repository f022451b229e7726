import Kafka
import LeadLedgerEngine
import Testing

/// The connection precedence rule, the environment's property names, the Java
/// properties reader and the librdkafka version check: pure functions.
@Suite("Connection settings")
struct ConnectionSettingsTests {
    typealias Layer = ConnectionSettings.Layer

    /// `-X` over environment over `--client-config` over YAML over defaults, key by key.
    @Test func precedenceIsFlagsEnvironmentFileYAMLDefaults() {
        let yaml = Layer(
            brokers: ["yaml:1"], properties: ["linger.ms": "yaml", "acks": "yaml", "client.rack": "yaml", "socket.timeout.ms": "yaml"])
        let file = Layer(properties: ["linger.ms": "file", "acks": "file", "client.rack": "file", "sasl.mechanism": "file"])
        let environment = Layer(properties: ["linger.ms": "env", "acks": "env", "security.protocol": "env"])
        let flags = Layer(properties: ["linger.ms": "flag", "debug": "flag"])
        let settings = ConnectionSettings.resolve(flags: flags, environment: environment, clientConfig: file, yaml: yaml)
        #expect(
            settings.properties == [
                "linger.ms": "flag", "debug": "flag",
                "acks": "env", "security.protocol": "env",
                "client.rack": "file", "sasl.mechanism": "file",
                "socket.timeout.ms": "yaml",
            ])
        #expect(settings.brokers == ["yaml:1"])

        let none = ConnectionSettings.resolve(flags: Layer(), environment: Layer(), clientConfig: Layer(), yaml: Layer())
        #expect(none.brokers == ["localhost:9092"])
        #expect(none.properties.isEmpty)
    }

    /// The broker list follows the same rule; `bootstrap.servers` is the broker list of
    /// its layer (a file's, or `-X`'s) and never stays among the properties.
    @Test func brokersFollowTheSameRule() {
        let file = Layer(properties: ["bootstrap.servers": "file:1, file:2"])
        #expect(
            ConnectionSettings.resolve(flags: Layer(), environment: Layer(), clientConfig: file, yaml: Layer(brokers: ["yaml:1"])).brokers
                == ["file:1", "file:2"])
        let environment = Layer(brokers: ["env:1"])
        #expect(
            ConnectionSettings.resolve(flags: Layer(), environment: environment, clientConfig: file, yaml: Layer()).brokers == ["env:1"])
        let flags = Layer(properties: ["bootstrap.servers": "x:1"])
        let settings = ConnectionSettings.resolve(flags: flags, environment: environment, clientConfig: file, yaml: Layer())
        #expect(settings.brokers == ["x:1"])
        #expect(settings.properties["bootstrap.servers"] == nil)
        let both = Layer(brokers: ["flag:1"], properties: ["bootstrap.servers": "x:1"])
        #expect(ConnectionSettings.resolve(flags: both, environment: Layer(), clientConfig: Layer(), yaml: Layer()).brokers == ["flag:1"])
    }

    /// `LEADLEDGER_KAFKA_<KEY>`: upper case, dots as underscores; other variables ignored.
    @Test func environmentNamesProperties() {
        let layer = ConnectionSettings.environmentLayer([
            "LEADLEDGER_BROKERS": "b1:9092,b2:9092",
            "LEADLEDGER_KAFKA_SASL_PASSWORD": "pw",
            "LEADLEDGER_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "LEADLEDGER_KAFKA_": "nothing",
            "LEADLEDGER_KAFKA_LINGER_MS": "",
            "LEADLEDGER_CLIENT_CONFIG": "/etc/x.properties",
            "KAFKA_SASL_USERNAME": "other",
        ])
        #expect(layer.brokers == ["b1:9092", "b2:9092"])
        #expect(layer.properties == ["sasl.password": "pw", "security.protocol": "SASL_SSL"])
        #expect(ConnectionSettings.propertyKey(variable: "LEADLEDGER_KAFKA_SSL_CA_LOCATION") == "ssl.ca.location")
        #expect(ConnectionSettings.propertyKey(variable: "LEADLEDGER_BROKERS") == nil)
    }

    /// The Kafka tools' `--command-config` format.
    @Test func javaPropertiesFormat() {
        let text = """
            # a comment
            ! another comment

            bootstrap.servers=broker-1:9093
              security.protocol = SASL_SSL
            sasl.mechanism: PLAIN
            sasl.username alice
            sasl.password=p=a:s s#!
            ssl.ca.location=/etc/ssl/a\\
                b.pem
            client.id=tab\\there\\u00e9
            empty.value=
            linger.ms=1
            linger.ms=2
            """
        #expect(
            JavaProperties.parse(text) == [
                "bootstrap.servers": "broker-1:9093",
                "security.protocol": "SASL_SSL",
                "sasl.mechanism": "PLAIN",
                "sasl.username": "alice",
                "sasl.password": "p=a:s s#!",
                "ssl.ca.location": "/etc/ssl/ab.pem",
                "client.id": "tab\there\u{e9}",
                "empty.value": "",
                "linger.ms": "2",
            ])
        #expect(JavaProperties.parse("a=1\r\nb=2\r\n") == ["a": "1", "b": "2"])
    }

    /// librdkafka older than 2.2 is refused with a message naming both versions; the
    /// version number decodes as `rd_kafka_version()` encodes it.
    @Test func librdkafkaVersionCheck() throws {
        #expect(LibrdkafkaVersion(hex: 0x0200_02ff) == LibrdkafkaVersion(major: 2, minor: 0, patch: 2))
        #expect(LibrdkafkaVersion(hex: 0x0208_00ff).description == "2.8.0")
        let old = try #require(LibrdkafkaVersion("2.0.2"))
        let refusal = try #require(LibrdkafkaVersion.refusal(of: old))
        #expect(refusal.contains("2.0.2") && refusal.contains("2.2"))
        #expect(LibrdkafkaVersion.refusal(of: try #require(LibrdkafkaVersion("2.1.1"))) != nil)
        #expect(LibrdkafkaVersion.refusal(of: try #require(LibrdkafkaVersion("2.2"))) == nil)
        #expect(LibrdkafkaVersion.refusal(of: try #require(LibrdkafkaVersion("2.3.0"))) == nil)
        #expect(LibrdkafkaVersion.refusal(of: try #require(LibrdkafkaVersion("10.0.0"))) == nil)
        #expect(LibrdkafkaVersion.refusal(of: LibrdkafkaVersion.linked) == nil)
        #expect(LibrdkafkaVersion("2.x") == nil && LibrdkafkaVersion("2") == nil)
    }
}
