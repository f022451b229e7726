/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator whose
/// sequence depends only on the seed, the same in every process and on every
/// platform. Workload generators, the X Education split, benchmarks and
/// property tests use it wherever a run must be repeatable; it is not for
/// anything that needs unpredictability.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state (the last value added to the Weyl sequence).
    package var state: UInt64

    /// Creates a generator whose first output is the SplitMix64 mix of `seed + γ`.
    package init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    package mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// In `0..<n` (`n > 0`), by modulo: slightly biased for huge `n`, which the
    /// callers (shuffles, picks among a few choices) do not mind; repeatable is what counts.
    package mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
