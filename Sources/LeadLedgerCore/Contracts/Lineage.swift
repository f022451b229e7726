/// Where a canonical event came from: the source message and the event's
/// ordinal among the canonical events derived from that message.
package struct Lineage: Sendable, Equatable {
    package var position: SourcePosition
    /// 0-based ordinal among the canonical events of one source message.
    package var seq: Int
    /// The source's own event id (`event_id`, `messageId`, `sg_event_id`), if any.
    package var externalID: String?
    package var system: SourceSystem
    package init(position: SourcePosition, seq: Int, externalID: String?, system: SourceSystem) {
        self.position = position
        self.seq = seq
        self.externalID = externalID
        self.system = system
    }
}
