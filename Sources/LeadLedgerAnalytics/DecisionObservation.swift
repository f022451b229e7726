import LeadLedgerCore
import LeadLedgerDecisions

/// One lead decision as the analytics read it: a primary or further decision of
/// an audit record, reduced to plain values. The model version is a plain string
/// (whatever the record names), so a registry can supply it later unchanged.
package struct DecisionObservation: Sendable, Equatable {
    package var leadID: String
    /// The event time of the decision's event.
    package var time: EventTime
    /// The canonical-log position of the event (orders decisions with equal event time).
    package var logPartition: Int32
    package var logOffset: Int64
    package var tier: String
    package var queue: String
    package var ownerID: String?
    /// 0–100.
    package var score: Double
    package var probability: Double
    /// The decision changed the lead's route (it emitted a routing record).
    package var routeChanged: Bool
    package var modelVersion: String
    package var arm: Arm

    package init(
        leadID: String, time: EventTime, logPartition: Int32 = 0, logOffset: Int64 = 0, tier: String, queue: String = "",
        ownerID: String? = nil, score: Double = 0, probability: Double = 0, routeChanged: Bool = false,
        modelVersion: String = "m", arm: Arm = .treatment
    ) {
        self.leadID = leadID
        self.time = time
        self.logPartition = logPartition
        self.logOffset = logOffset
        self.tier = tier
        self.queue = queue
        self.ownerID = ownerID
        self.score = score
        self.probability = probability
        self.routeChanged = routeChanged
        self.modelVersion = modelVersion
        self.arm = arm
    }

    /// The tier a qualified lead has.
    package static let qualifiedTier = "sales_ready"

    /// Event time, then log position: the order decisions are taken in.
    package static func precedes(_ a: DecisionObservation, _ b: DecisionObservation) -> Bool {
        (a.time.milliseconds, a.logPartition, a.logOffset) < (b.time.milliseconds, b.logPartition, b.logOffset)
    }
}
