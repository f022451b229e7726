import ArgumentParser
import Foundation
import Kafka
import Logging

/// `leadledger-bench kafka`: Swift producer/consumer throughput next to librdkafka's
/// own C tool (`rdkafka_performance`) against the same broker, with equal settings.
struct KafkaBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Kafka produce/consume throughput: Swift client vs. librdkafka's rdkafka_performance."
    )

    @Option(help: "Bootstrap servers (default: $LEADLEDGER_BROKERS or 127.0.0.1:19092).")
    var brokers: String?

    @Option(help: "Messages per run.")
    var messages: Int = 1_000_000

    @Option(help: "Payload size in bytes.")
    var size: Int = 200

    @Option(help: "Runs of each measurement; the median is reported.")
    var runs: Int = 3

    @Option(help: ArgumentHelp("Only consume this existing topic with the Swift client (for profiling).", visibility: .hidden))
    var profileConsumeTopic: String?

    @Option(help: "librdkafka's C benchmark tool.")
    var perfTool: String = "/usr/local/libexec/leadledger/rdkafka_performance"

    /// Settings given to both clients, so they do the same work.
    static let producerSettings: [(String, String)] = [
        ("acks", "all"),
        ("enable.idempotence", "true"),
        ("linger.ms", "5"),
        ("batch.num.messages", "10000"),
        ("batch.size", "1000000"),
        ("compression.type", "none"),
        ("queue.buffering.max.messages", "100000"),
        ("message.timeout.ms", "300000"),
    ]
    static let consumerSettings: [(String, String)] = [
        ("queued.min.messages", "1000000"),
        ("fetch.wait.max.ms", "500"),
        ("auto.offset.reset", "earliest"),
    ]

    struct Measurement {
        var messages: Int
        var seconds: Double
        /// Process CPU time (user + system, all threads) per message, in microseconds.
        var cpuMicrosPerMessage: Double
        var rate: Double { Double(messages) / seconds }
    }

    /// User + system CPU seconds of this process (`RUSAGE_SELF`) or of waited-for children.
    static func cpuSeconds(_ who: Int32) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func run() async throws {
        var logger = Logger(label: "leadledger-bench")
        logger.logLevel = .warning
        let bootstrap = brokers ?? ProcessInfo.processInfo.environment["LEADLEDGER_BROKERS"] ?? "127.0.0.1:19092"
        if let profileConsumeTopic {
            let measurement = try await consumeSwift(topic: profileConsumeTopic, bootstrap: bootstrap, logger: logger)
            print(String(format: "swift consume: %.0f msg/s, %.2f us CPU/msg", measurement.rate, measurement.cpuMicrosPerMessage))
            return
        }
        guard FileManager.default.isExecutableFile(atPath: perfTool) else {
            throw ValidationError("rdkafka_performance not found at \(perfTool) (run scripts/bootstrap --bench or pass --perf-tool)")
        }
        print("Kafka throughput: \(messages) messages x \(size) bytes, 1 partition, brokers \(bootstrap), \(runs) run(s), median reported")
        print("equal librdkafka settings on both sides:")
        print("  producer: " + Self.producerSettings.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        print("  consumer: " + Self.consumerSettings.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        print(
            "  produce time: first enqueue until every delivery report arrived; consume time: first to last message (as rdkafka_performance measures)"
        )

        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [bootstrap]), logger: logger)
        var swiftProduce: [Measurement] = []
        var swiftConsume: [Measurement] = []
        var cProduce: [Measurement] = []
        var cConsume: [Measurement] = []
        for run in 1...runs {
            let suffix = "\(UInt32.random(in: 0...UInt32.max))"
            let swiftTopic = "bench-swift-\(suffix)"
            let cTopic = "bench-c-\(suffix)"
            for topic in [swiftTopic, cTopic] {
                try await admin.createTopic(name: topic, partitions: 1, configs: ["retention.ms": "-1", "cleanup.policy": "delete"])
            }
            try await Task.sleep(for: .milliseconds(500))

            // Alternate who goes first, so neither side always meets the fuller broker.
            var sp: Measurement
            var cp: Measurement
            var sc: Measurement
            var cc: Measurement
            let perfProduce =
                ["-P", "-t", cTopic, "-p", "0", "-b", bootstrap, "-s", String(size), "-c", String(messages)]
                + Self.producerSettings.flatMap { ["-X", "\($0.0)=\($0.1)"] }
            let perfConsume =
                ["-C", "-t", cTopic, "-p", "0", "-b", bootstrap, "-o", "beginning", "-c", String(messages)]
                + Self.consumerSettings.flatMap { ["-X", "\($0.0)=\($0.1)"] }
            if run % 2 == 1 {
                sp = try await produceSwift(topic: swiftTopic, bootstrap: bootstrap, logger: logger)
                cp = try runPerf(perfProduce, produce: true)
                sc = try await consumeSwift(topic: swiftTopic, bootstrap: bootstrap, logger: logger)
                cc = try runPerf(perfConsume, produce: false)
            } else {
                cp = try runPerf(perfProduce, produce: true)
                sp = try await produceSwift(topic: swiftTopic, bootstrap: bootstrap, logger: logger)
                cc = try runPerf(perfConsume, produce: false)
                sc = try await consumeSwift(topic: swiftTopic, bootstrap: bootstrap, logger: logger)
            }
            swiftProduce.append(sp)
            cProduce.append(cp)
            swiftConsume.append(sc)
            cConsume.append(cc)
            print(
                String(
                    format:
                        "run %d: produce swift %.0f msg/s (%.2f us CPU/msg), C %.0f msg/s (%.2f us CPU/msg) | consume swift %.0f msg/s (%.2f us CPU/msg), C %.0f msg/s (%.2f us CPU/msg)",
                    run, sp.rate, sp.cpuMicrosPerMessage, cp.rate, cp.cpuMicrosPerMessage, sc.rate, sc.cpuMicrosPerMessage, cc.rate,
                    cc.cpuMicrosPerMessage))
            _ = try? await admin.deleteTopics([swiftTopic, cTopic])
        }
        await admin.close()

        func median(_ values: [Measurement]) -> Double {
            let rates = values.map(\.rate).sorted()
            return rates.count % 2 == 1 ? rates[rates.count / 2] : (rates[rates.count / 2 - 1] + rates[rates.count / 2]) / 2
        }
        func medianCPU(_ values: [Measurement]) -> Double {
            let cpu = values.map(\.cpuMicrosPerMessage).sorted()
            return cpu.count % 2 == 1 ? cpu[cpu.count / 2] : (cpu[cpu.count / 2 - 1] + cpu[cpu.count / 2]) / 2
        }
        let mb = Double(size) / 1_000_000
        let rows: [(String, Double, Double, Double, Double)] = [
            ("produce", median(swiftProduce), median(cProduce), medianCPU(swiftProduce), medianCPU(cProduce)),
            ("consume", median(swiftConsume), median(cConsume), medianCPU(swiftConsume), medianCPU(cConsume)),
        ]
        print("")
        print("          Swift msgs/s   Swift MB/s      C msgs/s       C MB/s   Swift/C   CPU us/msg Swift   C")
        for (name, swift, c, swiftCPU, cCPU) in rows {
            print(
                String(
                    format: "%@ %12.0f %12.2f %13.0f %12.2f %9.2fx %16.2f %7.2f", name.padding(toLength: 8, withPad: " ", startingAt: 0),
                    swift, swift * mb, c, c * mb, swift / c, swiftCPU, cCPU))
        }
        print("(CPU us/msg: user+system time of the client process over the measured phase; C includes its start-up)")
    }

    private func produceSwift(topic: String, bootstrap: String, logger: Logger) async throws -> Measurement {
        var configuration = KafkaProducerConfiguration(bootstrapServers: [bootstrap], clientID: "bench-swift")
        configuration.client.properties = Dictionary(uniqueKeysWithValues: Self.producerSettings)
        configuration.maxInFlightMessages = 100_000
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let payload = [UInt8](repeating: 0x61, count: size)
        let message = KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: payload)
        let clock = ContinuousClock()
        let cpuStart = Self.cpuSeconds(RUSAGE_SELF.rawValue)
        let start = clock.now
        for _ in 0..<messages {
            try await producer.enqueue(message)
        }
        try await producer.flush(timeout: .seconds(300))
        let elapsed = clock.now - start
        let cpu = Self.cpuSeconds(RUSAGE_SELF.rawValue) - cpuStart
        let stats = producer.statistics
        await producer.close()
        guard stats.delivered == messages, stats.failed == 0 else {
            throw ValidationError(
                "Swift producer: \(stats.delivered) delivered, \(stats.failed) failed (\(stats.lastError.map { "\($0)" } ?? "-"))")
        }
        return Measurement(messages: messages, seconds: elapsed.seconds, cpuMicrosPerMessage: cpu * 1e6 / Double(messages))
    }

    private func consumeSwift(topic: String, bootstrap: String, logger: Logger) async throws -> Measurement {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: [bootstrap], clientID: "bench-swift")
        configuration.client.properties = Dictionary(uniqueKeysWithValues: Self.consumerSettings)
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: .beginning)])
        let clock = ContinuousClock()
        var first: ContinuousClock.Instant?
        var cpuStart = 0.0
        var count = 0
        var batches = 0
        var bytes = 0
        for try await event in consumer.events {
            guard case .messages(let batch) = event else { continue }
            if first == nil {
                first = clock.now
                cpuStart = Self.cpuSeconds(RUSAGE_SELF.rawValue)
            }
            count += batch.count
            batches += 1
            for index in batch.indices { bytes += batch[index].value.count }
            if count >= messages { break }
        }
        let elapsed = clock.now - (first ?? clock.now)
        let cpu = Self.cpuSeconds(RUSAGE_SELF.rawValue) - cpuStart
        print("  swift consumer: \(batches) batches, \(count / max(1, batches)) messages per batch on average")
        await consumer.close()
        guard count >= messages, bytes >= messages * size else {
            throw ValidationError("Swift consumer read \(count) messages, \(bytes) bytes")
        }
        return Measurement(messages: count, seconds: elapsed.seconds, cpuMicrosPerMessage: cpu * 1e6 / Double(count))
    }

    /// Runs rdkafka_performance and parses its summary line.
    private func runPerf(_ arguments: [String], produce: Bool) throws -> Measurement {
        let cpuStart = Self.cpuSeconds(RUSAGE_CHILDREN.rawValue)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perfTool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let cpu = Self.cpuSeconds(RUSAGE_CHILDREN.rawValue) - cpuStart
        let output = String(decoding: data, as: UTF8.self)
        let pattern =
            produce
            ? #"(\d+) messages produced \(\d+ bytes\), (\d+) delivered .* in (\d+)ms"#
            : #"(\d+) messages \(\d+ bytes\) consumed in (\d+)ms"#
        let regex = try NSRegularExpression(pattern: pattern)
        let matches = regex.matches(in: output, range: NSRange(output.startIndex..., in: output))
        guard process.terminationStatus == 0, let match = matches.last else {
            throw ValidationError("rdkafka_performance failed (status \(process.terminationStatus)):\n\(output)")
        }
        func group(_ index: Int) -> Int { Int((output as NSString).substring(with: match.range(at: index))) ?? 0 }
        if produce {
            let delivered = group(2)
            guard delivered == messages else {
                throw ValidationError("rdkafka_performance delivered \(delivered) of \(messages):\n\(output)")
            }
            return Measurement(messages: delivered, seconds: Double(group(3)) / 1000, cpuMicrosPerMessage: cpu * 1e6 / Double(delivered))
        } else {
            let count = group(1)
            guard count >= messages else { throw ValidationError("rdkafka_performance consumed \(count) of \(messages):\n\(output)") }
            return Measurement(messages: count, seconds: Double(group(2)) / 1000, cpuMicrosPerMessage: cpu * 1e6 / Double(count))
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
