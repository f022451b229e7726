/// Writes canonical JSON directly, for encoders that emit members in sorted key
/// order themselves (`CanonicalEvent.encoded`): the same bytes as
/// `CanonicalJSON.encode` of the equivalent tree, where optional members that
/// are nil are left out.
struct CanonicalWriter {
    var out: [UInt8] = []
    /// Whether the innermost open object or array has no member yet.
    private var empty = true

    init() { out.reserveCapacity(512) }

    mutating func open() {
        out.append(UInt8(ascii: "{"))
        empty = true
    }
    mutating func close() {
        out.append(UInt8(ascii: "}"))
        empty = false
    }
    mutating func openArray() {
        out.append(UInt8(ascii: "["))
        empty = true
    }
    mutating func closeArray() {
        out.append(UInt8(ascii: "]"))
        empty = false
    }

    /// Starts an array element.
    mutating func element() {
        if !empty { out.append(UInt8(ascii: ",")) }
        empty = false
    }

    /// Starts a member (`key` is plain ASCII without escapes).
    mutating func key(_ key: StaticString) {
        if !empty { out.append(UInt8(ascii: ",")) }
        empty = false
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func value(_ s: String) { CanonicalJSON.writeString(s, into: &out) }

    mutating func string(_ k: StaticString, _ s: String?) {
        guard let s else { return }
        key(k)
        CanonicalJSON.writeString(s, into: &out)
    }

    mutating func number(_ k: StaticString, _ d: Double?) {
        guard let d else { return }
        key(k)
        out.append(contentsOf: CanonicalJSON.formatNumber(d).utf8)
    }

    mutating func bool(_ k: StaticString, _ b: Bool?) {
        guard let b else { return }
        key(k)
        out.append(contentsOf: (b ? "true" : "false").utf8)
    }

    mutating func null(_ k: StaticString) {
        key(k)
        out.append(contentsOf: "null".utf8)
    }

    /// `"custom":{…}`: the fields in their (sorted) order. Valid keys need no escapes.
    mutating func custom(_ fields: [CustomField]) {
        key("custom")
        open()
        for field in fields {
            if !empty { out.append(UInt8(ascii: ",")) }
            empty = false
            CanonicalJSON.writeString(field.key, into: &out)
            out.append(UInt8(ascii: ":"))
            switch field.value {
            case .string(let s): CanonicalJSON.writeString(s, into: &out)
            case .number(let d): out.append(contentsOf: CanonicalJSON.formatNumber(d).utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            }
        }
        close()
    }
}
