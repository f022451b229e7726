import LeadLedgerCore
import LeadLedgerEngine

/// The hint `audit verify` prints when it was given no routing cut-over but the
/// audit records it found different say that routing was withheld: the
/// `route_from` they name, to verify with. Nil when no such record differs.
func cutoverHint(_ differences: [AuditDifference]) -> String? {
    for difference in differences where difference.kind == .differs {
        guard let actual = difference.actual,
            let fields = try? Fields(try JSONParser.parse(actual), path: "$"),
            let withheld = try? fields.object(RoutingCutover.auditMember),
            let routeFrom = try? withheld.requiredString("route_from")
        else { continue }
        return
            "audit verify: the audit records say routing was withheld for events before \(routeFrom) (run --route-from): verify with --route-from \(routeFrom)"
    }
    return nil
}
