import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

/// A `leadledger consume` process whose stdout goes to a file, read as lines.
final class MemberProcess: Sendable {
    let name: String
    private let process: ChildProcess
    private let outputPath: String

    /// The complete lines written so far.
    var lines: [String] {
        guard let data = FileManager.default.contents(atPath: outputPath) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // after the last newline: empty, or a line still being written
        return lines
    }

    init(name: String, arguments: [String]) throws {
        self.name = name
        outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("leadledger-member")).path + ".out"
        process = try ChildProcess(try leadledgerExecutable(), arguments, stdout: .file(outputPath), stderr: .inherit)
    }

    /// The exit status once the member exited (128 + n for signal n).
    var exitStatus: Int32? { process.exitStatus }

    var isRunning: Bool { process.isRunning }

    func signal(_ signal: Int32) { process.signal(signal) }

    /// Waits for exit; returns the exit status (128 + n when killed by signal n).
    func waitForExit(seconds: Double) async throws -> Int32 {
        guard let status = try await process.wait(seconds: seconds) else {
            signal(SIGKILL)
            throw TestFailure("\(name) did not exit within \(seconds) s")
        }
        return status
    }

    deinit {
        process.signal(SIGKILL)
        _ = process.waitBlocking()
        try? FileManager.default.removeItem(atPath: outputPath)
    }
}

/// The `leadledger` binary next to the test bundle in the products directory.
func leadledgerExecutable() throws -> String {
    var candidates: [URL] = []
    if let cli = ProcessInfo.processInfo.environment["LEADLEDGER_CLI"], !cli.isEmpty { candidates.append(URL(fileURLWithPath: cli)) }
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("leadledger"))
    candidates.append(Bundle.main.bundleURL.appendingPathComponent("leadledger"))
    candidates.append(repoRoot.appendingPathComponent(".build/debug/leadledger"))
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate.path
    }
    throw TestFailure("leadledger executable not found in \(candidates.map(\.path))")
}

struct ConsumedLine: Decodable, Hashable {
    var topic: String
    var partition: Int32
    var offset: Int64
    var key: String?
}

@Suite("Consumer group hand-over (CLI processes)")
struct GroupHandoverTests {
    /// Two `leadledger consume --group` processes share 6 partitions while a
    /// producer keeps writing. One member leaves mid-stream (SIGTERM: graceful,
    /// commits; SIGKILL: no goodbye, the group notices after the session timeout)
    /// and the other takes over its partitions. Every produced offset is printed
    /// at least once; duplicates are counted and printed.
    @Test(.timeLimit(.minutes(3)), arguments: [SIGTERM, SIGKILL])
    func memberLeavesAndTheOtherTakesOver(leaveSignal: Int32) async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("handover")
        let group = uniqueName("handover-group")
        try await createTopic(topic, partitions: 6, brokers: brokers)

        let producer = try KafkaProducer(configuration: producerConfiguration(brokers), logger: testLogger)
        let produced = Locked<[Int32: Int64]>([:])  // partition -> messages acknowledged
        @Sendable func produce(_ count: Int, from start: Int) async throws {
            for i in start..<(start + count) {
                try await producer.enqueue(
                    KafkaProducerMessage(topic: topic, partition: Int32(i % 6), key: "key-\(i)", value: "value-\(i)")
                ) { result in
                    if case .success(let report) = result {
                        produced.withLock { $0[report.partition] = max($0[report.partition] ?? 0, report.offset + 1) }
                    }
                }
            }
            try await producer.flush(timeout: .seconds(30))
        }
        try await produce(600, from: 0)

        let arguments = [
            "consume", "--brokers", brokers, "--group", group, "--topic", topic, "--format", "jsonl", "--session-timeout-ms", "6000",
            "--log-level", "info",
        ]
        let leaver = try MemberProcess(name: "leaver", arguments: arguments)
        let stayer = try MemberProcess(name: "stayer", arguments: arguments)

        // Keep producing while the members join, rebalance, leave and take over.
        let keepProducing = Locked(true)
        let background = Task {
            var next = 600
            while keepProducing.value {
                try await produce(60, from: next)
                next += 60
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        // Both members print messages: the group has split the partitions.
        try await waitUntil(seconds: 60, "both members consuming") {
            !leaver.lines.isEmpty && !stayer.lines.isEmpty
        }
        try await Task.sleep(for: .seconds(1))
        leaver.signal(leaveSignal)
        let leaverStatus = try await leaver.waitForExit(seconds: 30)
        if leaveSignal == SIGTERM {
            #expect(leaverStatus == 0, "graceful exit on SIGTERM")
        }
        let leaverLineCount = leaver.lines.count

        // The stayer must take over: keep producing until it has printed messages
        // of all 6 partitions after the leaver exited.
        try await waitUntil(seconds: 60, "stayer owns all partitions") {
            Set(stayer.lines.dropFirst(0).compactMap(parse).map(\.partition)).count == 6
        }
        try await Task.sleep(for: .seconds(1))
        keepProducing.withLock { $0 = false }
        try await background.value
        await producer.close()
        let totals = produced.value
        let expected = totals.reduce(0) { $0 + Int($1.value) }

        // Everything produced is eventually printed.
        try await waitUntil(seconds: 60, "all \(expected) offsets printed") {
            Set((leaver.lines + stayer.lines).compactMap(parse).map { "\($0.partition)/\($0.offset)" }).count >= expected
        }
        stayer.signal(SIGTERM)
        #expect(try await stayer.waitForExit(seconds: 30) == 0)

        let leaverLines = leaver.lines.compactMap(parse)
        let stayerLines = stayer.lines.compactMap(parse)
        #expect(leaverLines.count == leaver.lines.count, "every leaver line is a JSON message")
        #expect(stayerLines.count == stayer.lines.count, "every stayer line is a JSON message")
        #expect(leaverLines.count == leaverLineCount, "nothing printed after exit")
        var seen: [String: Int] = [:]
        for line in leaverLines + stayerLines {
            #expect(line.topic == topic)
            seen["\(line.partition)/\(line.offset)", default: 0] += 1
        }
        var missing = 0
        for (partition, count) in totals {
            for offset in 0..<count where seen["\(partition)/\(offset)"] == nil { missing += 1 }
        }
        let duplicates = seen.values.reduce(0) { $0 + max(0, $1 - 1) }
        let signalName = leaveSignal == SIGTERM ? "SIGTERM" : "SIGKILL"
        print(
            "group hand-over (\(signalName)): produced \(expected), leaver printed \(leaverLines.count), stayer printed \(stayerLines.count), missing \(missing), duplicates \(duplicates)"
        )
        #expect(missing == 0)
        #expect(Set(leaverLines.map(\.partition)).count >= 1)
        #expect(Set(stayerLines.map(\.partition)).count == 6)
    }

    private func parse(_ line: String) -> ConsumedLine? {
        try? JSONDecoder().decode(ConsumedLine.self, from: Data(line.utf8))
    }

    private func waitUntil(seconds: Double, _ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            if ContinuousClock.now > deadline { throw TestFailure("timed out after \(seconds) s waiting for: \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
