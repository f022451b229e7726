import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging
import ServiceLifecycle
import Synchronization

/// Prints messages, records progress, and commits after each printed batch.
struct Printer: Service {
    let consumer: KafkaConsumer
    let progress: Progress
    let format: ConsumeCommand.Format
    let maxMessages: Int?
    let exitAtEnd: Bool
    let commit: Bool
    let logger: Logger
    /// Text lines go to a terminal: control characters are escaped.
    let escapeForTerminal = isatty(1) == 1

    func run() async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var atEnd = Set<KafkaTopicPartition>()
        var printed = 0
        loop: for try await event in consumer.events.cancelOnGracefulShutdown() {
            switch event {
            case .messages(let messages):
                var taken = messages[...]
                var reachedMax = false
                if let maxMessages, printed + messages.count >= maxMessages {
                    taken = messages.prefix(maxMessages - printed)
                    reachedMax = true
                }
                var out = ""
                var batchOffsets: [KafkaTopicPartition: Int64] = [:]
                for message in taken {
                    atEnd.remove(message.topicPartition)
                    out += try render(message, encoder: encoder)
                    out += "\n"
                    batchOffsets[message.topicPartition] = message.offset + 1
                }
                printed += taken.count
                StandardOutput.write(out)
                for message in taken { progress.record(message) }
                if commit {
                    let offsets = batchOffsets.sorted { $0.key < $1.key }.map {
                        KafkaTopicPartitionOffset($0.key, offset: .offset($0.value))
                    }
                    if reachedMax {
                        try await consumer.commit(progress.all())
                    } else {
                        try? consumer.commitAsync(offsets)
                    }
                }
                if reachedMax { break loop }
            case .endOfPartition(let partition, _):
                atEnd.insert(partition)
                let assignment = Set(consumer.assignment)
                if exitAtEnd && !assignment.isEmpty && assignment.isSubset(of: atEnd) {
                    if commit { try await consumer.commit(progress.all()) }
                    break loop
                }
            case .wakeUp:
                continue
            }
        }
    }

    private func render(_ message: KafkaConsumerMessage, encoder: JSONEncoder) throws -> String {
        switch format {
        case .text:
            let key = message.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let line = "\(message.topic)[\(message.partition)]@\(message.offset)\t\(key)\t\(String(decoding: message.value, as: UTF8.self))"
            return escapeForTerminal ? TerminalText.escapingControls(line, keepingLineBreaksAndTabs: true) : line
        case .jsonl:
            return String(decoding: try encoder.encode(ConsumedMessage(message)), as: UTF8.self)
        }
    }
}
