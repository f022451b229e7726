import Foundation
import LeadLedgerCore

// Artifacts are read and written with the core's JSON (`JSONValue`, `JSONParser`,
// `CanonicalJSON`); this file adds what the model layer needs on top: errors that
// name the artifact, line and column, exact integers, and the stable encoding.

/// The stable JSON encoding used for every artifact this module writes:
/// object keys sorted by their UTF-8 bytes, no insignificant whitespace except
/// one newline at the end, integers in decimal, doubles in Swift's shortest
/// round-trip form (`Double.description`, locale-independent, e.g. `0.1`,
/// `1e-05`, `3.0`), so that parsing the text gives back the identical bits
/// (``CanonicalJSON`` with ``CanonicalJSON/NumberFormat/roundTrip``).
/// Non-finite doubles cannot be encoded.
package enum StableJSON {
    /// Encodes `value`; throws for non-finite numbers.
    package static func encode(_ value: JSONValue) throws(DecisionsError) -> Data {
        if let d = value.firstNonFiniteNumber {
            throw DecisionsError(.invalidInput, "cannot encode non-finite number \(d) in JSON")
        }
        var out = CanonicalJSON.encode(value, numbers: .roundTrip)
        out.append(0x0A)
        return Data(out)
    }
}
