import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

/// Broker outages, on a broker of its own that this test stops: on
/// `$LEADLEDGER_TEST_BROKER_PORT + 1` when scripts/test set that (so parallel
/// runs on distinct ports don't share it), else on 19420.
@Suite("Broker outage", .serialized)
struct OutageTests {
    static let port: Int = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_BROKER_PORT"].flatMap { Int($0) }.map { $0 + 1 } ?? 19420

    /// SIGSTOP freezes the broker (keeping its memory): a producer with a short
    /// message timeout gets a typed, retriable `.localMessageTimedOut`; a producer
    /// with a long one waits, and completes once the broker continues; every
    /// acknowledged offset is readable afterwards with the right payload.
    /// Then the broker is stopped for good and a producer with undelivered messages
    /// and a group consumer both shut down in bounded time.
    @Test(.timeLimit(.minutes(3)))
    func producerSurvivesFrozenBrokerAndShutdownIsBounded() async throws {
        let brokers = "127.0.0.1:\(Self.port)"
        try await TestBroker.stop(port: Self.port)
        try await TestBroker.start(port: Self.port)
        defer { TestBroker.stopInBackground(port: Self.port) }
        let pid = try TestBroker.pid(port: Self.port)
        defer { kill(pid, SIGCONT) }
        let topic = uniqueName("outage")
        try await createTopic(topic, partitions: 1, brokers: brokers)

        var patientConfig = producerConfiguration(brokers)
        patientConfig.messageTimeout = .seconds(90)
        let patient = try KafkaProducer(configuration: patientConfig, logger: testLogger)
        var acked: [Int64: String] = [:]
        for i in 0..<50 {
            let report = try await patient.send(KafkaProducerMessage(topic: topic, key: nil, value: "before-\(i)"))
            acked[report.offset] = "before-\(i)"
        }

        // Freeze the broker.
        #expect(kill(pid, SIGSTOP) == 0)

        // A producer with a 3 s message timeout fails with a typed error.
        var impatientConfig = producerConfiguration(brokers)
        impatientConfig.messageTimeout = .seconds(3)
        impatientConfig.shutdownFlushTimeout = .seconds(1)
        let impatient = try KafkaProducer(configuration: impatientConfig, logger: testLogger)
        let failure: KafkaError? = try await withTimeout(60, "impatient send") { () async throws -> KafkaError? in
            do {
                _ = try await impatient.send(KafkaProducerMessage(topic: topic, key: nil, value: "impatient"))
                return nil
            } catch let error as KafkaError {
                return error
            }
        }
        #expect(failure?.code == .localMessageTimedOut)
        #expect(failure?.isRetriable == true)
        #expect(failure?.topic == topic)
        await impatient.close()

        // The patient producer's sends stay pending while the broker is frozen...
        let completed = Counter()
        let pending = Task {
            try await withThrowingTaskGroup(of: (Int64, String).self) { group in
                for i in 0..<50 {
                    group.addTask {
                        let report = try await patient.send(KafkaProducerMessage(topic: topic, key: nil, value: "during-\(i)"))
                        completed.increment()
                        return (report.offset, "during-\(i)")
                    }
                }
                var results: [(Int64, String)] = []
                for try await result in group { results.append(result) }
                return results
            }
        }
        try await Task.sleep(for: .seconds(2))
        #expect(completed.value == 0, "no acknowledgement from a frozen broker")

        // ...and complete once it continues.
        #expect(kill(pid, SIGCONT) == 0)
        let during = try await withTimeout(90, "sends after SIGCONT") { try await pending.value }
        #expect(during.count == 50)
        for (offset, value) in during { acked[offset] = value }
        await patient.close()

        // Everything acknowledged is readable with the right payload.
        let consumer = try KafkaConsumer(configuration: consumerConfiguration(brokers), logger: testLogger)
        try consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: .beginning)])
        let maxOffset = acked.keys.max()!
        let messages = try await withTimeout(60, "read back") {
            var messages: [KafkaConsumerMessage] = []
            for try await event in consumer.events {
                if case .messages(let batch) = event {
                    messages += batch
                    if let last = messages.last, last.offset >= maxOffset { break }
                }
            }
            return messages
        }
        await consumer.close()
        let byOffset = Dictionary(messages.map { ($0.offset, String(decoding: $0.value, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        for (offset, value) in acked {
            #expect(byOffset[offset] == value, "acknowledged offset \(offset)")
        }

        // A group consumer and a producer with undelivered messages; then the broker goes away.
        var groupConfig = consumerConfiguration(brokers, group: uniqueName("outage-group"))
        groupConfig.closeTimeout = .seconds(3)
        let member = try KafkaConsumer(configuration: groupConfig, logger: testLogger)
        try member.subscribe(topics: [topic])
        _ = try await withTimeout(60, "member joined") { try await collect(member, count: 1) }
        var lastConfig = producerConfiguration(brokers)
        lastConfig.shutdownFlushTimeout = .seconds(2)
        let last = try KafkaProducer(configuration: lastConfig, logger: testLogger)
        _ = try await last.send(KafkaProducerMessage(topic: topic, key: nil, value: "connected"))

        try await TestBroker.stop(port: Self.port)
        let outcome = Mutex<Result<KafkaDeliveryReport, KafkaError>?>(nil)
        try await last.enqueue(KafkaProducerMessage(topic: topic, key: nil, value: "never delivered")) { result in
            outcome.withLock { $0 = result }
        }
        let clock = ContinuousClock()
        let producerShutdown = try await withTimeout(60, "producer close without broker") {
            await clock.measure { await last.close() }
        }
        let consumerShutdown = try await withTimeout(60, "consumer close without broker") {
            await clock.measure { await member.close() }
        }
        print("shutdown without broker: producer \(producerShutdown), consumer \(consumerShutdown)")
        #expect(producerShutdown < .seconds(20))
        #expect(consumerShutdown < .seconds(20))
        // The undelivered message was reported as failed, not silently dropped.
        switch outcome.withLock({ $0 }) {
        case .failure(let error)?:
            #expect([.localPurgeQueue, .localPurgeInflight, .localMessageTimedOut, .localDestroyed].contains(error.code))
        case .success?: Issue.record("delivered to a stopped broker")
        case nil: Issue.record("no delivery report for the undelivered message")
        }
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
