/// The `schema_version` of the routing records a decider writes.
///
/// Version 2 (the default) gives every reason a `kind` from the vocabulary of
/// audit records of schema_version 3 (``ReasonKind``: `feature`, `rule`,
/// `disqualifier`, `reassignment`); nothing else changes. Version 1 (no kind on a
/// feature's reason, `gate` on the gate rule's) is kept so that a log range decided
/// before the upgrade re-derives byte for byte (`audit verify
/// --routing-schema-version 1`), and for consumers not yet moved to version 2
/// (`routing_schema_version: 1`).
package enum RoutingSchema: Int, Sendable, CaseIterable {
    case v1 = 1
    case v2 = 2
}
