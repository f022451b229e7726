import LeadLedgerCore
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler that writes one JSON object per line to a file descriptor
/// (stderr by default), for log collectors:
/// `{"level":"notice","logger":"leadledger.run","message":"…","metadata":{…},"timestamp":"2026-12-06T20:31:07.412Z"}`.
/// Metadata values keep their shape (strings, arrays, objects). One `write` per
/// line, so lines of concurrent loggers do not interleave.
package struct JSONLogHandler: LogHandler {
    /// The logger's label (`logger` in the output).
    package let label: String
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    private let descriptor: Int32

    /// A handler for `label` writing to `descriptor` (2: stderr).
    package init(label: String, descriptor: Int32 = 2) {
        self.label = label
        self.descriptor = descriptor
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let line = Self.line(
            timestamp: Self.now(), level: event.level, label: label, message: event.message.description,
            metadata: metadata.merging(event.metadata ?? [:]) { _, new in new })
        line.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    /// The bytes of one log line (with its line break).
    package static func line(timestamp: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var object: JSONObject = [
            "timestamp": .string(timestamp),
            "level": .string(level.rawValue),
            "logger": .string(label),
            "message": .string(message),
        ]
        if !metadata.isEmpty {
            object.members.append(JSONObject.Member("metadata", value(.dictionary(metadata))))
        }
        return CanonicalJSON.encode(.object(object)) + [UInt8(ascii: "\n")]
    }

    private static func value(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(Self.value))
        case .dictionary(let entries):
            .object(JSONObject(entries.sorted { $0.key < $1.key }.map { JSONObject.Member($0.key, Self.value($0.value)) }))
        }
    }

    /// The current UTC time as RFC 3339 with milliseconds.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let milliseconds = Int32(spec.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(milliseconds, 3))Z"
    }
}
