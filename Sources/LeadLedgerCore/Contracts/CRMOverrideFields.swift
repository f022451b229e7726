/// Payload of `override.set`: a person pins a lead's route.
package struct CRMOverrideFields: Sendable, Equatable {
    package var tier: Tier?
    package var queue: String?
    package var ownerID: String?
    package var setBy: String?
    package var note: String?
    package init() {}
}
