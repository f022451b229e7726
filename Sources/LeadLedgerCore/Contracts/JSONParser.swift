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
