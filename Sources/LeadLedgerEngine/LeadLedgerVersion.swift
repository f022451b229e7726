/// The release of LeadLedger these sources are (what `leadledger --version` prints).
package enum LeadLedgerVersion {
    /// `major.minor.patch`.
    package static let current = "0.7.0"
}
