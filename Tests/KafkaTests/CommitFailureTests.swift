import Foundation
import Kafka
import TestSupport
import Testing

@Suite("Commit failures")
struct CommitFailureTests {
    /// An asynchronous commit the broker rejects (an unknown topic) is reported by
    /// `takeCommitFailures()` once, so whoever commits can send it again; a later
    /// commit that succeeds reports nothing.
    @Test(.timeLimit(.minutes(3)))
    func rejectedAsyncCommitIsReported() async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("commitfail")
        try await createTopic(topic, partitions: 1, brokers: brokers)
        let consumer = try KafkaConsumer(configuration: consumerConfiguration(brokers, group: uniqueName("group")), logger: testLogger)
        let missing = KafkaTopicPartition(topic: uniqueName("no-such-topic"), partition: 0)
        try consumer.commitAsync([KafkaTopicPartitionOffset(missing, offset: .offset(5))])
        var failures: [KafkaTopicPartition: KafkaError] = [:]
        // A hang guard, not a timing check: on a loaded machine the broker's answer
        // (after librdkafka's own retries) has taken longer than 30 s.
        let deadline = ContinuousClock.now + .seconds(150)
        while failures[missing] == nil, ContinuousClock.now < deadline {
            failures.merge(consumer.takeCommitFailures()) { $1 }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(failures[missing] != nil, "the rejected commit was not reported")
        #expect(consumer.takeCommitFailures().isEmpty, "a failure is reported once")

        let real = KafkaTopicPartition(topic: topic, partition: 0)
        try consumer.commitAsync([KafkaTopicPartitionOffset(real, offset: .offset(0))])
        var committed: Int64? = nil
        while committed == nil, ContinuousClock.now < deadline {
            committed = (try await consumer.committed([real])[real]) ?? nil
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(committed == 0)
        #expect(consumer.takeCommitFailures()[real] == nil)
        await consumer.close()
    }
}
