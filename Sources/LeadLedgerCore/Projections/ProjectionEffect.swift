/// What applying an event changed, for the decision engine.
package enum ProjectionEffect: Sendable, Equatable {
    /// The lead's profile changed: re-score it.
    case leadChanged(LeadID)
    /// `absorbed` was merged into `survivor`: close the absorbed lead's route,
    /// link its decision history to the survivor, and re-decide the survivor.
    case leadMerged(survivor: LeadID, absorbed: LeadID)
    /// Account facts or its contacts/opportunities changed: account signals of its contacts may change.
    case accountChanged(AccountID)
    /// An outcome was recorded (feedback loop).
    case outcomeRecorded(LeadID, OutcomeKind)
    /// A manual override was set or cleared.
    case overrideChanged(LeadID)
    /// The lead's personal data was erased; its route should be closed.
    case leadErased(LeadID)
    /// The event's source position was already applied: nothing changed.
    case duplicateIgnored
}
