import LeadLedgerCore
import LeadLedgerDecisions

/// What an output record means for metrics, set by the processor that made it
/// (decided once, where the meaning is known, so the engine never decodes its
/// own records to count them).
package enum OutputObservation: Sendable, Hashable {
    /// A DLQ record with this error code.
    case rejected(ContractError.Code)
    /// An audit record; the event's decisions by tier (indexed by `Tier.code`).
    case decisions(SIMD8<UInt16>)
    /// A routing record announcing this route change.
    case routeChange(RouteChange)
}
