/// A lead's stable id, `ld_` + 16 lower-case hex digits.
///
/// Derived from the identifier the resolver first saw for the person
/// (``LeadIDScheme``: FNV-1a 64 of `lead|<kind>:<value>` without a master key,
/// HMAC-SHA-256 with one), fixed once written to the log (SPEC §8).
package struct LeadID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 64-bit value.
    package var raw: UInt64

    /// Wraps a raw value.
    package init(raw: UInt64) { self.raw = raw }

    /// Parses `ld_<16 hex>` (lowercase hex digits only).
    package init?(_ text: String) {
        // Byte-wise (`canonical`): the former Character test (hasPrefix "ld_", 19 UTF-8
        // bytes, `UInt64(radix: 16)` of the rest, every digit `isHexDigit && !isUppercase`)
        // accepted exactly `ld_` + 16 ASCII lowercase hex digits too, since
        // `UInt64(_:radix:)` takes ASCII digits only and 16 of them fill the 19 bytes;
        // its Unicode property lookups were ~40% of `CanonicalEvent(json:)`.
        guard let id = Self.canonical(text) else { return nil }
        self = id
    }

    /// The id derived from `identifier` (with `attempt` > 0 only after an id collision).
    /// Without a master key (``LeadIDScheme/plain``); the resolver uses its configured scheme.
    package static func derived(from identifier: Identifier, attempt: Int = 0) -> LeadID {
        LeadIDScheme.plain.derive(from: identifier, attempt: attempt)
    }

    /// `ld_…`.
    package var description: String {
        String(unsafeUninitializedCapacity: 19) { out in
            out[0] = 0x6C
            out[1] = 0x64
            out[2] = 0x5F  // "ld_"
            Text.writeHex16(raw, into: out, at: 3)
            return 19
        }
    }

    /// The id whose ``description`` is exactly `text` (`ld_` + 16 lowercase hex digits), parsed without Unicode work; nil otherwise.
    static func canonical(_ text: String) -> LeadID? {
        var text = text
        return text.withUTF8 { b -> LeadID? in
            guard b.count == 19, b[0] == 0x6C, b[1] == 0x64, b[2] == 0x5F else { return nil }
            return LowercaseHex.value(b, at: 3).map(LeadID.init(raw:))
        }
    }

    /// Orders by the text form (equal to ordering by `raw`).
    package static func < (a: LeadID, b: LeadID) -> Bool { a.raw < b.raw }
}
