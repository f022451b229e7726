/// A problem a processor noticed while applying records, for the engine to log
/// at error level and count (`leadledger_diagnostics_total{stage,code}`). It
/// is not an output: nothing is produced for it.
package struct ProcessorDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// What was noticed, machine-readable.
    package enum Code: String, Sendable, Hashable {
        /// Source offsets of an upstream partition that nobody accounted for: a
        /// record arrived whose range does not join what was covered before. The
        /// record is applied; the missing offsets are applied if they arrive later.
        case sourceGap = "source_gap"
        /// A source gap given up on (too many records waited above it): its
        /// offsets now count as covered, so if they arrive after all, they are skipped.
        case sourceGapAbandoned = "source_gap_abandoned"
    }

    /// The code.
    package var code: Code
    /// What and where, readable.
    package var message: String

    /// Creates a diagnostic.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "[\(code.rawValue)] \(message)" }
}
