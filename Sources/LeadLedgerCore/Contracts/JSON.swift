/// A parsed JSON value.
///
/// Objects keep their members in the order written; ``JSONObject/subscript(_:)``
/// returns the *last* member with a given key, as Python's `json` and most
/// parsers do, so the Swift decoders and the JSON Schema validator see the same
/// document.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// An integer kept exact. The parser produces it only when asked to keep
    /// integral literals (``JSONParser/parseReportingOffset(_:limits:keepingIntegers:)``
    /// with `keepingIntegers: true`, as model artifacts are read); by default every
    /// number is a ``number(_:)``. ``CanonicalJSON`` writes it in decimal.
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name used in error messages (`"string"`, `"object"`, ...).
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number, .int: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object: members in document order.
package struct JSONObject: Sendable, Equatable {
    /// One `"key": value` member.
    package struct Member: Sendable, Equatable {
        package var key: String
        package var value: JSONValue
        package init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Members in document order (duplicates kept).
    package var members: [Member]

    /// Creates an object from members.
    package init(_ members: [Member] = []) { self.members = members }

    /// The value of the last member named `key`, or nil.
    package subscript(_ key: String) -> JSONValue? {
        var i = members.count - 1
        while i >= 0 {
            if members[i].key == key { return members[i].value }
            i -= 1
        }
        return nil
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Creates an object from `["key": value, …]`, members in the order written.
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { Member($0.0, $0.1) }
    }
}

/// Resource limits applied before and during parsing, so hostile input is
/// rejected in time proportional to its size and without deep recursion.
package struct JSONLimits: Sendable, Equatable {
    /// Largest accepted message in bytes, checked before any parsing (default 1 MiB,
    /// Kafka's default `message.max.bytes`).
    package var maxBytes: Int
    /// Deepest accepted nesting of arrays/objects (default 32). The parser is
    /// recursive, and this bound is what keeps its stack small.
    package var maxDepth: Int

    /// Creates limits.
    package init(maxBytes: Int = 1 << 20, maxDepth: Int = 32) {
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
package enum JSONParser {
    /// Parses one JSON document.
    package static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(ContractError) -> JSONValue {
        do throws(JSONSyntaxError) {
            return try parseReportingOffset(bytes, limits: limits)
        } catch {
            throw error.contractError
        }
    }

    /// Parses one JSON document from a string.
    package static func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws(ContractError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Parses one JSON document like ``parse(_:limits:)``, but reports a
    /// failure with the byte offset kept apart (so a caller can turn it into a
    /// line and column), and with `keepingIntegers` returns integral literals
    /// (no fraction, no exponent) that fit an `Int` as exact ``JSONValue/int(_:)``.
    package static func parseReportingOffset(
        _ bytes: [UInt8], limits: JSONLimits = JSONLimits(),
        keepingIntegers: Bool = false
    ) throws(JSONSyntaxError) -> JSONValue {
        if bytes.count > limits.maxBytes {
            throw JSONSyntaxError(.payloadTooLarge, "message is \(bytes.count) bytes, limit is \(limits.maxBytes)", offset: nil)
        }
        let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buf in
            var p = Parser(buf: buf, maxDepth: limits.maxDepth, keepIntegers: keepingIntegers)
            do throws(JSONSyntaxError) {
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

    private struct Parser {
        let buf: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        let keepIntegers: Bool
        var pos = 0
        var scratch: [UInt8] = []

        init(buf: UnsafeBufferPointer<UInt8>, maxDepth: Int, keepIntegers: Bool) {
            self.buf = buf
            self.maxDepth = maxDepth
            self.keepIntegers = keepIntegers
        }

        func fail(_ code: ContractError.Code, _ what: String) -> JSONSyntaxError {
            JSONSyntaxError(code, what, offset: pos)
        }

        @inline(__always) mutating func skipWS() {
            while pos < buf.count {
                let c = buf[pos]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { break }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard pos < buf.count else { throw fail(.malformedJSON, "unexpected end of input") }
            switch buf[pos] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default:
                if buf[pos] >= 0x80 { throw fail(.malformedJSON, "unexpected non-ASCII byte outside a string") }
                throw fail(.malformedJSON, "unexpected character '\(Character(Unicode.Scalar(buf[pos])))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
            let n = word.utf8CodeUnitCount
            guard pos + n <= buf.count else { throw fail(.malformedJSON, "truncated literal") }
            let w = word.utf8Start
            for i in 0..<n where buf[pos + i] != w[i] {
                throw fail(.malformedJSON, "invalid literal")
            }
            pos += n
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            if depth > maxDepth { throw fail(.nestingTooDeep, "nesting deeper than \(maxDepth)") }
            pos += 1
            var members: [JSONObject.Member] = []
            skipWS()
            if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
                pos += 1
                return .object(JSONObject(members))
            }
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
                if buf[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                if buf[pos] == UInt8(ascii: "}") {
                    pos += 1
                    return .object(JSONObject(members))
                }
                throw fail(.malformedJSON, "expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            if depth > maxDepth { throw fail(.nestingTooDeep, "nesting deeper than \(maxDepth)") }
            pos += 1
            var items: [JSONValue] = []
            skipWS()
            if pos < buf.count, buf[pos] == UInt8(ascii: "]") {
                pos += 1
                return .array(items)
            }
            while true {
                skipWS()
                items.append(try parseValue(depth: depth))
                skipWS()
                guard pos < buf.count else { throw fail(.malformedJSON, "unterminated array") }
                if buf[pos] == UInt8(ascii: ",") {
                    pos += 1
                    continue
                }
                if buf[pos] == UInt8(ascii: "]") {
                    pos += 1
                    return .array(items)
                }
                throw fail(.malformedJSON, "expected ',' or ']'")
            }
        }

        mutating func parseString() throws(JSONSyntaxError) -> String {
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
                    return try scratch.withUnsafeBufferPointer { b throws(JSONSyntaxError) in try makeString(b) }
                }
                if c < 0x20 { throw fail(.malformedJSON, "unescaped control character in string") }
                if c != UInt8(ascii: "\\") {
                    scratch.append(c)
                    pos += 1
                    continue
                }
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

        mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
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

        func makeString(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> String {
            var ascii = true
            for b in bytes where b >= 0x80 {
                ascii = false
                break
            }
            if ascii { return String(decoding: bytes, as: UTF8.self) }
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw fail(.invalidEncoding, "string is not valid UTF-8")
            }
            return s
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
            let start = pos
            var negative = false
            if buf[pos] == UInt8(ascii: "-") {
                negative = true
                pos += 1
            }
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
            var fractionOrExponent = false
            if pos < buf.count, buf[pos] == UInt8(ascii: ".") {
                simple = false
                fractionOrExponent = true
                pos += 1
                guard pos < buf.count, isDigit(buf[pos]) else { throw fail(.malformedJSON, "invalid fraction") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            if pos < buf.count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
                simple = false
                fractionOrExponent = true
                pos += 1
                if pos < buf.count, buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-") { pos += 1 }
                guard pos < buf.count, isDigit(buf[pos]) else { throw fail(.malformedJSON, "invalid exponent") }
                while pos < buf.count, isDigit(buf[pos]) { pos += 1 }
            }
            if keepIntegers, !fractionOrExponent {
                // Up to 18 digits `intValue` is exact; longer literals go through `Int(text)`.
                if digits <= 18 { return .int(negative ? -Int(intValue) : Int(intValue)) }
                let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
                if let i = Int(text) { return .int(i) }
            }
            if simple { return .number(negative ? -Double(intValue) : Double(intValue)) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self)
            guard let d = Double(text), d.isFinite else { throw fail(.malformedJSON, "number out of range") }
            return .number(d)
        }

        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    }
}

/// Why ``JSONParser/parseReportingOffset(_:limits:keepingIntegers:)`` rejected a
/// document, with the byte offset where it stopped kept apart from the reason.
package struct JSONSyntaxError: Error, Sendable, Equatable {
    /// The contract error code (`malformedJSON`, `invalidEncoding`, `nestingTooDeep`, `payloadTooLarge`).
    package var code: ContractError.Code
    /// What is wrong, without the position (`"expected ',' or '}'"`).
    package var reason: String
    /// The byte offset where parsing stopped; nil when the input was refused before parsing.
    package var offset: Int?

    /// Creates an error.
    package init(_ code: ContractError.Code, _ reason: String, offset: Int?) {
        self.code = code
        self.reason = reason
        self.offset = offset
    }

    /// The error as ``JSONParser/parse(_:limits:)`` throws it: the reason
    /// followed by ` at byte N`.
    package var contractError: ContractError {
        guard let offset else { return ContractError(code, reason) }
        return ContractError(code, "\(reason) at byte \(offset)")
    }

    /// The 1-based line and column of ``offset`` in `bytes` (the document that
    /// was parsed): lines end at `\n`, columns count bytes. Nil without an offset.
    package func location(in bytes: [UInt8]) -> (line: Int, column: Int)? {
        guard let offset else { return nil }
        var line = 1
        var column = 1
        for b in bytes[0..<min(offset, bytes.count)] {
            if b == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

/// A deterministic JSON encoder for outputs (SPEC §8): object keys sorted by
/// their UTF-8 bytes, no insignificant whitespace, integers without a
/// fraction, other numbers rounded to 6 decimal places and printed with
/// Swift's locale-independent shortest round-trip form, non-ASCII written as
/// UTF-8, control characters as `\u00XX`.
package enum CanonicalJSON {
    /// How ``write(_:into:numbers:)`` prints ``JSONValue/number(_:)``.
    package enum NumberFormat: Sendable {
        /// SPEC §8, as ``formatNumber(_:)``: integral values as integers, others
        /// rounded to 6 decimals; non-finite values as `null`.
        case rounded
        /// Swift's shortest round-trip form (`Double.description`: `0.1`, `1e-05`,
        /// `3.0`, zero as `0.0`), so that parsing the text gives back the identical
        /// bits. Non-finite values are written as `null`: callers that must refuse
        /// them check first.
        case roundTrip
    }

    /// Encodes `value` to bytes.
    package static func encode(_ value: JSONValue, numbers: NumberFormat = .rounded) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, numbers: numbers)
        return out
    }

    /// Encodes `value` to a string.
    package static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// Appends the encoding of `value` to `out`.
    package static func write(_ value: JSONValue, into out: inout [UInt8], numbers: NumberFormat = .rounded) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d):
            switch numbers {
            case .rounded: out.append(contentsOf: formatNumber(d).utf8)
            case .roundTrip: out.append(contentsOf: (!d.isFinite ? "null" : d == 0 ? "0.0" : d.description).utf8)
            }
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out, numbers: numbers)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let obj):
            // Last duplicate wins, as in the parser; then sort by UTF-8 bytes.
            // Sorting (key, document position) pairs puts duplicates next to each
            // other with the last one written last: keep that one. No dictionary.
            var order = Array(obj.members.indices)
            order.sort { a, b in
                let ka = obj.members[a].key
                let kb = obj.members[b].key
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
                write(m.value, into: &out, numbers: numbers)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Formats a number: integral values within ±2^53 without fraction, others
    /// rounded to 6 decimals. Non-finite values (never produced by the core) become `null`.
    package static func formatNumber(_ d: Double) -> String {
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
            case UInt8(ascii: "\""):
                out.append(0x5C)
                out.append(b)
            case UInt8(ascii: "\\"):
                out.append(0x5C)
                out.append(b)
            case 0x0A:
                out.append(0x5C)
                out.append(UInt8(ascii: "n"))
            case 0x0D:
                out.append(0x5C)
                out.append(UInt8(ascii: "r"))
            case 0x09:
                out.append(0x5C)
                out.append(UInt8(ascii: "t"))
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
