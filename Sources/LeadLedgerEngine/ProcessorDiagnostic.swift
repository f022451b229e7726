/// A problem a processor noticed while applying records, for the engine to log
/// at error level and count (`leadledger_diagnostics_total{stage,code}`). It
/// is not an output: nothing is produced for it.
public struct ProcessorDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// What was noticed, machine-readable.
    public enum Code: String, Sendable, Hashable {
        /// Source offsets of an upstream partition that nobody accounted for: a
        /// record arrived whose range does not join what was covered before. The
        /// record is applied; the missing offsets are applied if they arrive later.
        case sourceGap = "source_gap"
        /// A source gap given up on (too many records waited above it): its
        /// offsets now count as covered, so if they arrive after all, they are skipped.
        case sourceGapAbandoned = "source_gap_abandoned"
    }

    /// The code.
    public var code: Code
    /// What and where, readable.
    public var message: String

    /// Creates a diagnostic.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "[\(code.rawValue)] \(message)" }
}
