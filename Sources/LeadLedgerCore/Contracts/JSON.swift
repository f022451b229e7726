/// A parsed JSON value.
///
/// Objects keep their members in the order written; ``JSONObject/subscript(_:)``
/// returns the *last* member with a given key, as Python's `json` and most
/// parsers do, so the Swift decoders and the JSON Schema validator see the same
/// document.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name used in error messages (`"string"`, `"object"`, ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object: members in document order.
public struct JSONObject: Sendable, Equatable {
    /// One `"key": value` member.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Members in document order (duplicates kept).
    public var members: [Member]

    /// Creates an object from members.
    public init(_ members: [Member] = []) { self.members = members }

    /// The value of the last member named `key`, or nil.
    public subscript(_ key: String) -> JSONValue? {
        var i = members.count - 1
        while i >= 0 {
            if members[i].key == key { return members[i].value }
            i -= 1
        }
        return nil
    }
}

/// Resource limits applied before and during parsing, so hostile input is
/// rejected in time proportional to its size and without deep recursion.
public struct JSONLimits: Sendable, Equatable {
    /// Largest accepted message in bytes, checked before any parsing (default 1 MiB,
    /// Kafka's default `message.max.bytes`).
    public var maxBytes: Int
    /// Deepest accepted nesting of arrays/objects (default 32). The parser is
    /// recursive, and this bound is what keeps its stack small.
    public var maxDepth: Int

    /// Creates limits.
    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 32) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
}

/// A small, bounded, strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// - Rejects input larger than ``JSONLimits/maxBytes`` before looking at it.
/// - Stops at ``JSONLimits/maxDepth`` nesting (1 MB of `[` fails after 33 bytes).
/// - Validates UTF-8 in strings (the only place non-ASCII may appear) and
///   rejects lone surrogates in `\u` escapes.
/// - Rejects trailing content, leading zeros, control characters in strings,
///   `NaN`/`Infinity`, comments and trailing commas.
public enum JSONParser {
    /// Parses one JSON document.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(ContractError) -> JSONValue {
        if bytes.count > limits.maxBytes {
            throw ContractError(.payloadTooLarge, "message is \(bytes.count) bytes, limit is \(limits.maxBytes)")
        }
        let result: Result<JSONValue, ContractError> = bytes.withUnsafeBufferPointer { buf in
            var p = Parser(buf: buf, maxDepth: limits.maxDepth)
            do throws(ContractError) {
                p.skipWS()
                let v = try p.parseValue(depth: 0)
                p.skipWS()
                if p.pos != buf.count {
                    throw p.fail(.malformedJSON, "unexpected content after the JSON value")
                }
                return .success(v)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses one JSON document from a string.
    public static func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws(ContractError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    private struct Parser {
        let buf: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var pos = 0
        var scratch: [UInt8] = []

        init(buf: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.buf = buf
            self.maxDepth = maxDepth
        }

        func fail(_ code: ContractError.Code, _ what: String) -> ContractError {
            ContractError(code, "\(what) at byte \(pos)")
        }

        @inline(__always) mutating func skipWS() {
            while pos < buf.count {
                let c = buf[pos]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { break }
            }
        }

        mutating func parseValue(depth: Int) throws(ContractError) -> JSONValue {
            guard pos < buf.count else { throw fail(.malformedJSON, "unexpected end of input") }
            switch buf[pos] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default:
                if buf[pos] >= 0x80 { throw fail(.malformedJSON, "unexpected non-ASCII byte outside a string") }
                throw fail(.malformedJSON, "unexpected character '\(Character(Unicode.Scalar(buf[pos])))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(ContractError) {
            let n = word.utf8CodeUnitCount
            guard pos + n <= buf.count else { throw fail(.malformedJSON, "truncated literal") }
            let w = word.utf8Start
            for i in 0..<n where buf[pos + i] != w[i] {
                throw fail(.malformedJSON, "invalid literal")
            }
            pos += n
        }

        mutating func parseObject(depth: Int) throws(ContractError) -> JSONValue {
            if depth > maxDepth { throw fail(.nestingTooDeep, "nesting deeper than \(maxDepth)") }
            pos += 1
            var members: [JSONObject.Member] = []
            skipWS()
            if pos < buf.count, buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(JSONObject(members)) }
            while true {
                skipWS()
                guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw fail(.malformedJSON, "expected a string key") }
                let key = try parseString()
                skipWS()
                guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw fail(.malformedJSON, "expected ':'") }
                pos += 1
                skipWS()
                let v = try parseValue(depth: depth)
                members.append(JSONObject.Member(key, v))
                skipWS()
                guard pos < buf.count else { throw fail(.malformedJSON, "unterminated object") }
                if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(JSONObject(members)) }
                throw fail(.malformedJSON, "expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(ContractError) -> JSONValue {
            if depth > maxDepth { throw fail(.nestingTooDeep, "nesting deeper than \(maxDepth)") }
            pos += 1
            var items: [JSONValue] = []
            skipWS()
            if pos < buf.count, buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipWS()
                items.append(try parseValue(depth: depth))
                skipWS()
                guard pos < buf.count else { throw fail(.malformedJSON, "unterminated array") }
                if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw fail(.malformedJSON, "expected ',' or ']'")
            }
        }

        mutating func parseString() throws(ContractError) -> String {
            pos += 1  // opening quote
            let start = pos
            // Fast path: no escapes.
            while pos < buf.count {
                let c = buf[pos]
                if c == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: buf[start..<pos])
                    pos += 1
                    return try makeString(slice)
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { throw fail(.malformedJSON, "unescaped control character in string") }
                pos += 1
            }
            guard pos < buf.count else { throw fail(.malformedJSON, "unterminated string") }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<pos]))
            while pos < buf.count {
                let c = buf[pos]
                if c == UInt8(ascii: "\"") {
                    pos += 1
                    return try scratch.withUnsafeBufferPointer { b throws(ContractError) in try makeString(b) }
                }
                if c < 0x20 { throw fail(.malformedJSON, "unescaped control character in string") }
                if c != UInt8(ascii: "\\") { scratch.append(c); pos += 1; continue }
                pos += 1
                guard pos < buf.count else { throw fail(.malformedJSON, "unterminated escape") }
                let e = buf[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard pos + 1 < buf.count, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u") else {
                            throw fail(.invalidEncoding, "lone high surrogate in \\u escape")
                        }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail(.invalidEncoding, "invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail(.invalidEncoding, "lone low surrogate in \\u escape")
                    }
                    guard let us = Unicode.Scalar(scalar) else { throw fail(.invalidEncoding, "invalid code point") }
                    scratch.append(contentsOf: UTF8.encode(us)!)
                default:
                    throw fail(.malformedJSON, "invalid escape")
                }
            }
            throw fail(.malformedJSON, "unterminated string")
        }

        mutating func hex4() throws(ContractError) -> UInt32 {
            guard pos + 4 <= buf.count else { throw fail(.malformedJSON, "truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = buf[pos]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
                default: throw fail(.malformedJSON, "invalid hex digit in \\u escape")
                }
                v = v << 4 | d
                pos += 1
            }
            return v
        }

        func makeString(_ bytes: UnsafeBufferPointer<UInt8>) throws(ContractError) -> String {
            var ascii = true
            for b in bytes where b >= 0x80 { ascii = false; break }
            if ascii { return String(decoding: bytes, as: UTF8.self) }
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw fail(.invalidEncoding, "string is not valid UTF-8")
            }
            return s
        }

        mutating func parseNumber() throws(ContractError) -> Double {
            let start = pos
            var negative = false
            if buf[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
            guard pos < buf.count, isDigit(buf[pos]) else { throw fail(.malformedJSON, "invalid number") }
            var intValue: Int64 = 0
            var digits = 0
            if buf[pos] == UInt8(ascii: "0") {
                pos += 1
                if pos < buf.count, isDigit(buf[pos]) { throw fail(.malformedJSON, "leading zero in number") }
                digits = 1
            } else {
                while pos < buf.count, isDigit(buf[pos]) {
                    if digits < 18 { intValue = intValue &* 10 &+ Int64(buf[pos] - 48) }
                    digits += 1
                    pos += 1
                }
            }
            var simple = digits <= 15
            if pos < buf.count, buf[pos] == UInt8(ascii: ".") {
                simple = false
                pos += 1
                guard pos < buf.count, isDigit(buf[pos]) else { throw fail(.malformedJSON, "invalid fraction") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            if pos < buf.count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
                simple = false
                pos += 1
                if pos < buf.count, buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-") { pos += 1 }
                guard pos < buf.count, isDigit(buf[pos]) else { throw fail(.malformedJSON, "invalid exponent") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            if simple { return negative ? -Double(intValue) : Double(intValue) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
            guard let d = Double(text), d.isFinite else { throw fail(.malformedJSON, "number out of range") }
            return d
        }

        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    }
}

/// A deterministic JSON encoder for outputs (SPEC §8): object keys sorted by
/// their UTF-8 bytes, no insignificant whitespace, integers without a
/// fraction, other numbers rounded to 6 decimal places and printed with
/// Swift's locale-independent shortest round-trip form, non-ASCII written as
/// UTF-8, control characters as `\u00XX`.
public enum CanonicalJSON {
    /// Encodes `value` to bytes.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// Encodes `value` to a string.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// Appends the encoding of `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): out.append(contentsOf: formatNumber(d).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let obj):
            // Last duplicate wins, as in the parser; then sort by UTF-8 bytes.
            // Sorting (key, document position) pairs puts duplicates next to each
            // other with the last one written last: keep that one. No dictionary.
            var order = Array(obj.members.indices)
            order.sort { a, b in
                let ka = obj.members[a].key, kb = obj.members[b].key
                if ka == kb { return a < b }
                return ka.utf8.lexicographicallyPrecedes(kb.utf8)
            }
            var members: [JSONObject.Member] = []
            members.reserveCapacity(order.count)
            for (n, i) in order.enumerated() {
                if n + 1 < order.count, obj.members[order[n + 1]].key == obj.members[i].key { continue }
                members.append(obj.members[i])
            }
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Formats a number: integral values within ±2^53 without fraction, others
    /// rounded to 6 decimals. Non-finite values (never produced by the core) become `null`.
    public static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) <= 9_007_199_254_740_992 { return String(Int64(d)) }
        let r = (d * 1_000_000).rounded() / 1_000_000
        if r == r.rounded(), abs(r) <= 9_007_199_254_740_992 { return String(Int64(r)) }
        return String(r)
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(0x5C); out.append(b)
            case UInt8(ascii: "\\"): out.append(0x5C); out.append(b)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
