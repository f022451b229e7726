/// A manual route pin.
package struct OverrideRecord: Sendable, Equatable {
    package var fields: CRMOverrideFields
    package var eventTime: EventTime
}
