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
