/// Headers the identity stage puts on canonical-log records (events, not
/// control records), for the materialize stage's gap-aware de-duplication.
public enum CanonicalLogHeaders {
    /// The lineage mark (`<source offset>/<seq>`, `LineageMark`) of the previous
    /// event of the same source partition the identity stage wrote to the same
    /// log partition (`-1/0`: none). The record accounts for the marks of its
    /// source partition after it, up to its own: the materialize stage applies it
    /// unless they are covered already, and reports a `source_gap` when it does
    /// not join what is covered. Absent on records written before it existed:
    /// they cover everything up to their own mark (the high-water rule).
    public static let after = "ll-after"
}
