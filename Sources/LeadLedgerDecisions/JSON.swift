import Foundation

/// A parsed JSON value. Objects keep their members in document order (an array
/// of pairs, not a dictionary) so nothing depends on hash order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, kept as its source text was parsed: integral literals without
    /// fraction or exponent stay exact in `int`.
    case number(Double)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member named `key` of an object (first match), or nil.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        for (name, value) in members where name == key { return value }
        return nil
    }

    /// The value as a Double (numbers and integers).
    public var double: Double? {
        switch self {
        case let .number(d): return d
        case let .int(i): return Double(i)
        default: return nil
        }
    }

    /// The value as an Int (integers, and integral numbers).
    public var int: Int? {
        switch self {
        case let .int(i): return i
        case let .number(d): return d.rounded() == d && abs(d) < 9.0e15 ? Int(d) : nil
        default: return nil
        }
    }

    /// The value as a String.
    public var string: String? { if case let .string(s) = self { return s }; return nil }
    /// The value as an array.
    public var array: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    /// The value as a Bool (also accepts the integers 0 and 1, as XGBoost writes them).
    public var bool: Bool? {
        switch self {
        case let .bool(b): return b
        case let .int(i) where i == 0 || i == 1: return i == 1
        default: return nil
        }
    }
}

/// A small, strict JSON parser (RFC 8259) producing ``JSONValue``.
/// Numbers are converted with Swift's correctly rounded `Double(String)`.
public struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private let source: String

    /// Parses `data`; `source` names the input in error messages.
    public static func parse(_ data: Data, source: String = "<json>") throws -> JSONValue {
        var parser = JSONParser(bytes: Array(data), source: source)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("trailing characters after the JSON value") }
        return value
    }

    private init(bytes: [UInt8], source: String) { self.bytes = bytes; self.source = source }

    private func error(_ message: String) -> DecisionsError {
        var line = 1, column = 1
        for b in bytes[0..<min(index, bytes.count)] { if b == 0x0A { line += 1; column = 1 } else { column += 1 } }
        return DecisionsError(.invalidArtifact, "malformed JSON: " + message, file: source, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw error("nesting deeper than 512") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, JSONValue)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                members.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return try parseNumber()
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else { throw error("invalid literal") }
        index += w.count
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count {
            let b = bytes[index]
            if b >= 0x30 && b <= 0x39 { index += 1 } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") { integral = false; index += 1 } else { break }
        }
        guard index > start else { throw error("unexpected character") }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let i = Int(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("invalid number '\(text)'") }
        return .number(d)
    }

    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") {
                guard index < bytes.count else { throw error("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw error("unpaired surrogate") }
                        index += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid unicode escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw error("invalid escape")
                }
            } else {
                guard b >= 0x20 else { throw error("control character in string") }
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { throw error("invalid \\u escape") }
        index += 4
        return v
    }
}

/// The stable JSON encoding used for every artifact this module writes:
/// object keys sorted by their UTF-8 bytes, no insignificant whitespace except
/// one newline at the end, integers in decimal, doubles in Swift's shortest
/// round-trip form (`Double.description`, locale-independent, e.g. `0.1`,
/// `1e-05`, `3.0`), so that parsing the text gives back the identical bits.
/// Non-finite doubles cannot be encoded.
public enum StableJSON {
    /// Encodes `value`; throws for non-finite numbers.
    public static func encode(_ value: JSONValue) throws -> Data {
        var out: [UInt8] = []
        try write(value, into: &out)
        out.append(0x0A)
        return Data(out)
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) throws {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case let .bool(b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case let .int(i): out.append(contentsOf: Array(String(i).utf8))
        case let .number(d):
            guard d.isFinite else { throw DecisionsError(.invalidInput, "cannot encode non-finite number \(d) in JSON") }
            out.append(contentsOf: Array((d == 0 ? "0.0" : d.description).utf8))
        case let .string(s): writeString(s, into: &out)
        case let .array(elements):
            out.append(UInt8(ascii: "["))
            for (i, e) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try write(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            let sorted = members.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            out.append(UInt8(ascii: "{"))
            for (i, (key, v)) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try write(v, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}

/// Helpers to read required fields from artifacts with errors that name the field.
struct ArtifactReader {
    let source: String

    func fail(_ field: String, _ message: String) -> DecisionsError {
        DecisionsError(.invalidArtifact, message, file: source, field: field)
    }
    func value(_ object: JSONValue, _ key: String, _ path: String) throws -> JSONValue {
        guard let v = object[key] else { throw fail(path + key, "missing field") }
        return v
    }
    func double(_ object: JSONValue, _ key: String, _ path: String = "") throws -> Double {
        guard let d = try value(object, key, path).double else { throw fail(path + key, "expected a number") }
        return d
    }
    func int(_ object: JSONValue, _ key: String, _ path: String = "") throws -> Int {
        guard let i = try value(object, key, path).int else { throw fail(path + key, "expected an integer") }
        return i
    }
    func string(_ object: JSONValue, _ key: String, _ path: String = "") throws -> String {
        guard let s = try value(object, key, path).string else { throw fail(path + key, "expected a string") }
        return s
    }
    func array(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [JSONValue] {
        guard let a = try value(object, key, path).array else { throw fail(path + key, "expected an array") }
        return a
    }
    func doubles(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [Double] {
        try array(object, key, path).enumerated().map { i, v in
            guard let d = v.double else { throw fail("\(path)\(key)[\(i)]", "expected a number") }
            return d
        }
    }
    func ints(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [Int] {
        try array(object, key, path).enumerated().map { i, v in
            guard let d = v.int else { throw fail("\(path)\(key)[\(i)]", "expected an integer") }
            return d
        }
    }
    func strings(_ object: JSONValue, _ key: String, _ path: String = "") throws -> [String] {
        try array(object, key, path).enumerated().map { i, v in
            guard let d = v.string else { throw fail("\(path)\(key)[\(i)]", "expected a string") }
            return d
        }
    }
}
