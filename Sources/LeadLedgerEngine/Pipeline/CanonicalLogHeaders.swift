/// Headers the identity stage puts on canonical-log records (events, not
/// control records), for the materialize stage's gap-aware de-duplication.
package enum CanonicalLogHeaders {
    /// The lineage mark (`<source offset>/<seq>`, `LineageMark`) of the previous
    /// event of the same source partition the identity stage wrote to the same
    /// log partition (`-1/0`: none). The record accounts for the marks of its
    /// source partition after it, up to its own: the materialize stage applies it
    /// unless they are covered already, and reports a `source_gap` when it does
    /// not join what is covered. Absent on records written before it existed:
    /// they cover everything up to their own mark (the high-water rule).
    package static let after = "ll-after"

    /// On a skip marker (a log record without value that stands for an event too
    /// large to produce; its input is in the DLQ as `output_too_large`): why
    /// (`output_too_large`). The marker carries the event's ``after`` header, its
    /// source partition in ``source`` and its own mark in ``mark``, so the
    /// materialize stage covers the event's range instead of reporting a gap.
    package static let skipped = "ll-skipped"
    /// On a skip marker: the source partition of the event it stands for (`<topic>/<partition>`).
    package static let source = "ll-source"
    /// On a skip marker: the lineage mark of the event it stands for (`<offset>/<seq>`).
    package static let mark = "ll-mark"
}
