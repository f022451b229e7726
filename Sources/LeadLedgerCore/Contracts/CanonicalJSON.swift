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
        // Near the largest doubles `d × 10^6` overflows; such a `d` is an integer already.
        guard r.isFinite else { return String(d) }
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
