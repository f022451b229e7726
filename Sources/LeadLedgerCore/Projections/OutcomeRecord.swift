/// A recorded outcome (feedback for the propensity model).
package struct OutcomeRecord: Sendable, Equatable {
    package var kind: OutcomeKind
    package var reason: String?
    package var opportunityID: String?
    package var eventTime: EventTime
}
