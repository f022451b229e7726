/// A `leadledger.dlq` record (`schemas/leadledger.dlq.schema.json`): an input
/// that could not be accepted, with its original bytes, where it came from,
/// the stable error code and the reason. Nothing that arrives is dropped.
public struct DeadLetter: Sendable, Equatable {
    /// Which stage rejected the input.
    public enum Stage: String, Sendable, Codable {
        case resolve, materialize
    }

    public var original: [UInt8]
    public var originalKey: [UInt8]?
    public var source: SourcePosition
    public var error: ContractError
    public var stage: Stage

    /// Creates a record.
    public init(original: [UInt8], originalKey: [UInt8]? = nil, source: SourcePosition, error: ContractError, stage: Stage = .resolve) {
        self.original = original
        self.originalKey = originalKey
        self.source = source
        self.error = error
        self.stage = stage
    }

    /// The record as JSON.
    public var json: JSONValue {
        var members: [JSONObject.Member] = [
            .init("schema_version", .number(1)),
            .init("original_base64", .string(Base64.encode(original))),
            .init("source", .object(JSONObject([
                .init("topic", .string(source.topic)),
                .init("partition", .number(Double(source.partition))),
                .init("offset", .number(Double(source.offset))),
            ]))),
            .init("error_code", .string(error.code.rawValue)),
            .init("field", error.field.map { .string($0) } ?? .null),
            .init("reason", .string(error.reason.isEmpty ? error.code.rawValue : error.reason)),
            .init("stage", .string(stage.rawValue)),
        ]
        if let k = originalKey { members.append(.init("original_key_base64", .string(Base64.encode(k)))) }
        return .object(JSONObject(members))
    }

    /// The record's bytes (canonical JSON), the value to produce to `leadledger.dlq`.
    public var encoded: [UInt8] { CanonicalJSON.encode(json) }
}

/// RFC 4648 base64 (standard alphabet, padded).
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
