import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging

/// `leadledger generate`: a seeded, realistic workload into the inbound topics.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Produce a realistic, seeded B2B workload into the inbound topics.",
        discussion: """
            Accounts with parent/subsidiary hierarchies and buying centers, CRM leads
            and duplicates, anonymous visitors who later identify, web and email
            behaviour with intent, SendGrid batches, opportunities, activities,
            outcomes, overrides, erasure requests, and malformed messages at
            --malformed-rate. Each person has a latent propensity to convert, partly
            from their title, company and email domain and partly hidden; their
            engagement follows it and an outcome is lead.converted with probability
            sigmoid(propensity), so `leadledger train` has something to learn. The
            same --seed gives the same messages. Missing topics are created.

            Examples:
              leadledger generate -b localhost:9092 --events 5000 --rate 500 --seed 7
              leadledger generate --config leadledger.yaml --events 0  # topics only
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Number of messages to produce.")
    var events: Int = 10_000

    @Option(help: "Messages per second (0: as fast as possible).")
    var rate: Double = 0

    @Option(help: "Seed of the workload.")
    var seed: UInt64 = 42

    @Option(help: "Fraction of messages made invalid (0...1).")
    var malformedRate: Double = 0.01

    @Option(help: "Skip the first N messages of the seeded sequence (continue an earlier run with the same seed).")
    var skip: Int = 0

    @Option(
        help:
            "Drift the population (0...1): people created from now on use a free-mail address with probability 0.08 + 0.84 * shift (default 0: the standard workload)."
    )
    var shift: Double = 0

    func validate() throws {
        if !(0...1).contains(shift) { throw ValidationError("--shift must be within 0...1") }
        if events < 0 || skip < 0 { throw ValidationError("--events and --skip must not be negative") }
        if rate < 0 { throw ValidationError("--rate must not be negative") }
        if !(0...1).contains(malformedRate) { throw ValidationError("--malformed-rate must be within 0...1") }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.generate")
        let configuration = try engine.resolve(connection)
        try await ensureTopics(configuration, logger: logger)
        var producerConfiguration = KafkaProducerConfiguration(
            bootstrapServers: configuration.brokers, clientID: "leadledger-generate", properties: configuration.properties)
        producerConfiguration.shutdownFlushTimeout = .seconds(30)
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        var generator = WorkloadGenerator(seed: seed, topics: configuration.topics, malformedRate: malformedRate)
        for _ in 0..<skip { _ = generator.next() }
        generator.shift = shift
        let progress = ProgressReporter(label: "generate", total: events)
        let started = ContinuousClock.now
        var counts: [String: Int] = [:]
        var malformed = 0
        // What `run`'s validate stage will reject as timestamp_out_of_range if validated now.
        let futureLimit =
            FutureTimestampCheck.wallClock().milliseconds + configuration.futureTimestampCheck.maxSkew.components.seconds * 1000
        var beyondSkew = 0
        var firstBeyondSkew: Int?
        for index in 0..<events {
            if rate > 0 {
                let due = started + .nanoseconds(Int64(Double(index) / rate * 1e9))
                if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            }
            let message = generator.next()
            counts[message.topic, default: 0] += 1
            if message.malformed { malformed += 1 }
            if generator.eventTime.milliseconds > futureLimit {
                beyondSkew += 1
                firstBeyondSkew = firstBeyondSkew ?? index
            }
            try await producer.enqueue(KafkaProducerMessage(topic: message.topic, key: Array(message.key.utf8), value: message.value))
            if index % 1000 == 999 { progress.advance(by: 1000) }
        }
        progress.advance(by: events % 1000)
        try await producer.flush(timeout: .seconds(60))
        let stats = producer.statistics
        await producer.close()
        progress.finish()
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        StandardOutput.write(
            "generated \(events) messages (\(summary), malformed=\(malformed)); delivered \(stats.delivered), failed \(stats.failed)\n")
        if let firstBeyondSkew {
            FileHandle.standardError.write(
                Data(
                    "generate: warning: \(beyondSkew) of \(events) messages (from message \(firstBeyondSkew + 1) on) are dated more than \(configuration.futureTimestampCheck.maxSkew.components.seconds) s (the allowed skew) ahead of now (the workload's clock starts at 2026-11-01 and advances about 45 s a message); run rejects them to the DLQ as timestamp_out_of_range unless --max-future-skew covers them\n"
                        .utf8))
        }
        if stats.failed > 0 {
            throw RuntimeFailure(
                "delivery failed: \(stats.failed) of \(events) messages were not delivered\(stats.lastError.map { " (last error: \($0))" } ?? "")"
            )
        }
    }
}
