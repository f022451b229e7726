/// The `schema_version` of the audit records a decider writes.
///
/// Version 3 (the default) is compact: feature values and contributions are
/// arrays aligned to the model's feature list named by `feature_set`, reasons
/// name features by index, and no email address is written. Version 2 (feature
/// objects keyed by name, reason sentences, `emails`) is kept so that a log
/// range decided before the upgrade re-derives byte for byte (`audit verify`
/// picks the version the topic's records have), and for consumers not yet
/// moved to version 3 (`audit_schema_version: 2`).
package enum AuditSchema: Int, Sendable, CaseIterable {
    case v2 = 2
    case v3 = 3
}
