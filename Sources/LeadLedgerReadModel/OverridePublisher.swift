import Kafka

/// Where `POST /v1/overrides` writes its CRM event: Kafka in `serve`, a
/// recorder in unit tests.
package protocol OverridePublisher: Sendable {
    /// Produces `value` to `topic` and returns where it was written once acknowledged.
    func publish(topic: String, key: String, value: [UInt8]) async throws -> (partition: Int32, offset: Int64)
}
