/// Segment call types LeadLedger handles.
package enum SegmentCallType: String, Sendable, CaseIterable, Codable {
    case identify, track, page, group
}
