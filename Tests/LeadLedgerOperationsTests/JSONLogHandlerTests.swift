import LeadLedgerCore
import LeadLedgerOperations
import Logging
import TestSupport
import Testing

@Suite("JSON log handler")
struct JSONLogHandlerTests {
    static func parse(_ line: [UInt8]) throws -> JSONObject {
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false, "a log line spans several lines")
        guard case .object(let object) = try JSONParser.parse(Array(line.dropLast())) else {
            throw TestFailure("not an object")
        }
        return object
    }

    @Test func oneObjectPerLineWithEveryField() throws {
        let line = JSONLogHandler.line(
            timestamp: "2026-12-06T20:31:07.412Z", level: .notice, label: "leadledger.run",
            message: "stage \"materialize\"\nfailed", metadata: ["partition": "3", "offsets": .array(["1", "2"]), "nested": ["a": "b"]])
        let object = try Self.parse(line)
        #expect(object["timestamp"] == .string("2026-12-06T20:31:07.412Z"))
        #expect(object["level"] == .string("notice"))
        #expect(object["logger"] == .string("leadledger.run"))
        #expect(object["message"] == .string("stage \"materialize\"\nfailed"))
        #expect(
            object["metadata"]
                == .object([
                    "nested": .object(["a": .string("b")]), "offsets": .array([.string("1"), .string("2")]), "partition": .string("3"),
                ]))
    }

    @Test func noMetadataMemberWithoutMetadata() throws {
        let object = try Self.parse(JSONLogHandler.line(timestamp: "t", level: .error, label: "l", message: "m", metadata: [:]))
        #expect(object["metadata"] == nil)
        #expect(object.members.map(\.key).sorted() == ["level", "logger", "message", "timestamp"])
    }

    @Test func handlerLevelAndMetadataBehaveLikeAnyHandler() {
        var handler = JSONLogHandler(label: "x")
        handler.logLevel = .warning
        handler[metadataKey: "stage"] = "identity"
        #expect(handler.logLevel == .warning)
        #expect(handler[metadataKey: "stage"] == .string("identity"))
        #expect(handler.metadata.count == 1)
    }
}
