import Foundation
import LeadLedgerCore

/// The validate step's bound on event times: an event dated further ahead of the
/// wall clock than `maxSkew` is rejected (`timestamp_out_of_range`) instead of
/// entering the log, where it would move every event-time watermark (the identity
/// resolver's anonymous-visitor expiry, the decider's SLA timers) past real time
/// for good.
///
/// This is the one place the engine reads the wall clock. It runs in the validate
/// stage, before the canonical log: the log records the verdict, so replays of the
/// log stay repeatable (SPEC §8). The reason text names the event's time and the
/// skew, never the clock, so a repeat of the validate stage writes the same bytes.
package struct FutureTimestampCheck: Sendable {
    /// How far ahead of the wall clock an event may be dated.
    package let maxSkew: Duration
    /// `maxSkew` in milliseconds, saturated at `Int64.max` (a huge skew turns the
    /// check off instead of wrapping around and rejecting everything).
    private let skewMilliseconds: Int64
    private let now: @Sendable () -> EventTime

    /// The default skew: 7 days.
    package static let defaultMaxSkew: Duration = .seconds(7 * 86_400)

    /// Creates a check against `now` (default: the wall clock).
    package init(
        maxSkew: Duration = FutureTimestampCheck.defaultMaxSkew, now: @escaping @Sendable () -> EventTime = FutureTimestampCheck.wallClock
    ) {
        self.maxSkew = maxSkew
        let parts = maxSkew.components
        let (milliseconds, overflow) = parts.seconds.multipliedReportingOverflow(by: 1000)
        self.skewMilliseconds = overflow ? .max : milliseconds.addingSaturating(parts.attoseconds / 1_000_000_000_000_000)
        self.now = now
    }

    /// The current wall-clock time.
    @Sendable package static func wallClock() -> EventTime {
        EventTime(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The rejection of a message whose decoded `events` include one dated beyond
    /// now + `maxSkew`, naming the first such event's field; nil when all are in range.
    /// `batch`: the message was an array (SendGrid), so fields are indexed.
    func violation(in events: [InboundEvent], batch: Bool) -> ContractError? {
        let limit = now().milliseconds.addingSaturating(skewMilliseconds)
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

extension Int64 {
    /// `self + other`, clamped to `Int64.min ... Int64.max`.
    fileprivate func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
