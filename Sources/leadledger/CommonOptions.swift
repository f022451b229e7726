import ArgumentParser
import Foundation
import Logging

/// Options every Kafka command shares.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Comma-separated bootstrap servers (default: $LEADLEDGER_BROKERS or 127.0.0.1:19092).")
    var brokers: String?

    @Option(name: [.customShort("X"), .customLong("property")], help: "A librdkafka property key=value (repeatable).")
    var properties: [String] = []

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    var bootstrapServers: [String] {
        let value = brokers ?? ProcessInfo.processInfo.environment["LEADLEDGER_BROKERS"] ?? "127.0.0.1:19092"
        return value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    func propertyMap() throws -> [String: String] {
        try parseKeyValues(properties, what: "property")
    }

    func makeLogger(_ label: String) -> Logger {
        LoggingBootstrap.once()
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        return logger
    }
}

enum LoggingBootstrap {
    static let done: Bool = {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        return true
    }()

    static func once() { _ = done }
}

/// Parses `key=value` pairs.
func parseKeyValues(_ pairs: [String], what: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for pair in pairs {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw ValidationError("\(what) '\(pair)' is not key=value")
        }
        result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    return result
}

/// Writes to stdout with one write per call (no per-line flush cost).
enum StandardOutput {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
