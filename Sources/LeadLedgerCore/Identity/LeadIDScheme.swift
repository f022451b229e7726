/// How the resolver derives a new lead's id from the identifier it first saw
/// for the person (SPEC §8, §12).
///
/// ``plain`` is the historical scheme: FNV-1a 64 of `lead|<kind>:<value>`. It
/// needs no secret, so anyone who guesses an email can recompute its id; it is
/// what a process without a master key uses, so logs and golden outputs written
/// without one keep their bytes. A keyed scheme (HMAC-SHA-256 under a secret
/// derived from the master key, built by the engine: this module has no crypto)
/// makes ids pseudonymous. Ids already written to a log never change: the
/// scheme only decides the ids of leads created from now on.
package struct LeadIDScheme: Sendable {
    /// The 64-bit id of the text `lead|<kind>:<value>` (with `#<attempt>` after an id collision).
    let hash: @Sendable (String) -> UInt64

    /// A scheme from a 64-bit (keyed) hash of the id text.
    package init(hash: @escaping @Sendable (String) -> UInt64) { self.hash = hash }

    /// FNV-1a 64 (`StableHash`), no secret.
    package static let plain = LeadIDScheme { StableHash.of($0) }

    /// The id derived from `identifier` (with `attempt` > 0 only after an id collision).
    package func derive(from identifier: Identifier, attempt: Int = 0) -> LeadID {
        let base = "lead|" + identifier.key
        return LeadID(raw: hash(attempt == 0 ? base : base + "#\(attempt)"))
    }
}
