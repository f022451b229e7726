/// Rejects configuration keys that a `Decodable` type does not know.
///
/// YAML configuration is read with `Codable`, which ignores keys it has no
/// `CodingKey` for, so a typo such as `state_dir:` used to fall back to the
/// default without a word. Every configuration type calls
/// ``StrictKeys/check(_:knownKeys:)`` at the top of its `init(from:)`; an
/// unknown key becomes a `DecodingError` naming the key, its path, and the keys
/// that are allowed there.
enum StrictKeys {
    /// A coding key that accepts any string, to list the keys actually present.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws when the mapping being decoded has a key that `Keys` does not name.
    static func check<Keys: CodingKey & CaseIterable>(_ decoder: Decoder, knownKeys: Keys.Type) throws {
        let present = try decoder.container(keyedBy: AnyKey.self)
        let known = Keys.allCases.map(\.stringValue)
        for key in present.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !known.contains(key.stringValue) {
            let place = (decoder.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + [key],
                    debugDescription: "unknown key '\(place)'; allowed here: \(known.sorted().joined(separator: ", "))"
                )
            )
        }
    }
}
