/// Where an attribute value came from: the source system and event time.
package struct Provenance: Sendable, Equatable {
    package var source: SourceSystem
    package var eventTime: EventTime
}
