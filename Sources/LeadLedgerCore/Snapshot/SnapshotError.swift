/// Why a snapshot could not be restored.
///
/// Restoring never crashes and never yields a partial or wrong state: any
/// problem throws one of these before the restored value exists.
package struct SnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable code.
    package enum Code: String, Sendable, Equatable, CaseIterable {
        /// The bytes end before the length the header announces (or before a header fits).
        case truncated
        /// The bytes do not start with the snapshot magic `LLSN`.
        case badMagic = "bad_magic"
        /// The snapshot is of another type (e.g. a resolver snapshot given to `Ledger`).
        case wrongType = "wrong_type"
        /// The format version is not the one this build reads.
        case unsupportedVersion = "unsupported_version"
        /// The CRC-32 trailer does not match the bytes.
        case checksumMismatch = "checksum_mismatch"
        /// The payload passed the checksum but is structurally invalid (bad index, duplicate key, trailing bytes …).
        case corrupt
        /// The snapshot was taken with another resolver configuration than the one restoring it.
        case configurationMismatch = "configuration_mismatch"
    }

    /// The code.
    package var code: Code
    /// Where or what: the field being read, expected versus found values.
    package var context: String

    /// Creates an error.
    package init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    /// `snapshot <code>: <context>`.
    package var description: String { "snapshot \(code.rawValue): \(context)" }
}
