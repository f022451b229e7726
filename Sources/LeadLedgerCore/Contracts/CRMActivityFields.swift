/// Payload of `activity.logged`.
package struct CRMActivityFields: Sendable, Equatable {
    package var kind: CRMActivityKind
    package var email: String
    package var outcome: String?
}
