import Foundation
import LeadLedgerCore

/// The validate step's bound on event times: an event dated further ahead of the
/// wall clock than `maxSkew` is rejected (`timestamp_out_of_range`) instead of
/// entering the log, where it would move every event-time watermark (the identity
/// resolver's anonymous-visitor expiry, the decider's SLA timers) past real time
/// for good.
///
/// This is the one place the engine reads the wall clock. It runs in the route
/// step, before the canonical log: the log records the verdict, so replays of the
/// log stay repeatable (SPEC §8). The reason text names the event's time and the
/// skew, never the clock, so a repeat of the validate stage writes the same bytes.
public struct FutureTimestampCheck: Sendable {
    /// How far ahead of the wall clock an event may be dated.
    public var maxSkew: Duration
    private let now: @Sendable () -> EventTime

    /// The default skew: 7 days.
    public static let defaultMaxSkew: Duration = .seconds(7 * 86_400)

    /// Creates a check against `now` (default: the wall clock).
    public init(
        maxSkew: Duration = FutureTimestampCheck.defaultMaxSkew, now: @escaping @Sendable () -> EventTime = FutureTimestampCheck.wallClock
    ) {
        self.maxSkew = maxSkew
        self.now = now
    }

    /// The current wall-clock time.
    @Sendable public static func wallClock() -> EventTime {
        EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The rejection of a message whose decoded `events` include one dated beyond
    /// now + `maxSkew`, naming the first such event's field; nil when all are in range.
    /// `batch`: the message was an array (SendGrid), so fields are indexed.
    func violation(in events: [InboundEvent], batch: Bool) -> ContractError? {
        let skew = maxSkew.components
        let skewMilliseconds = skew.seconds &* 1000 &+ skew.attoseconds / 1_000_000_000_000_000
        let limit = now().milliseconds &+ skewMilliseconds
        for (index, event) in events.enumerated() where event.eventTime.milliseconds > limit {
            let field: String
            switch event {
            case .crm: field = "$.occurred_at"
            case .web: field = "$.timestamp"
            case .email: field = batch ? "$[\(index)].timestamp" : "$.timestamp"
            }
            return ContractError(
                .timestampOutOfRange, field: field,
                "\(field) \(event.eventTime) is more than \(skewMilliseconds / 1000) s ahead of the time it was validated")
        }
        return nil
    }
}
