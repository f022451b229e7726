import Foundation
import Kafka
import LeadLedgerDecisions

/// Consumer groups of the stages.
///
/// Releases before 0.7 named the first two groups `leadledger-resolve-route`
/// and `leadledger-resolve-identity` and the first key `route`. The `route` key
/// is still read (with a warning in ``EngineConfiguration/warnings``), and a
/// process that runs with the default names adopts the old groups' committed
/// offsets once (``GroupMigration``), so an upgrade reprocesses nothing.
package struct GroupNames: Sendable, Hashable {
    /// The validate stage (inbound topics → identity repartition topic / DLQ).
    package var validate = GroupNames.defaultValidate
    /// The identity stage (repartition topic → canonical log).
    package var identity = GroupNames.defaultIdentity
    /// The materialize stage (canonical log → routing, audit).
    package var materialize = "leadledger-materialize"

    /// The default group of the validate stage.
    package static let defaultValidate = "leadledger-validate"
    /// The default group of the identity stage.
    package static let defaultIdentity = "leadledger-identity"
    /// What the validate stage's default group was called before release 0.7.
    package static let legacyValidate = "leadledger-resolve-route"
    /// What the identity stage's default group was called before release 0.7.
    package static let legacyIdentity = "leadledger-resolve-identity"

    /// The defaults.
    package init() {}

    /// Whether the file named the validate group with the pre-0.7 key `route`.
    var usesLegacyRouteKey = false

    /// The one-time offset adoptions a process with these names performs: a
    /// group still at its default name takes over its pre-0.7 predecessor.
    func renames(topics: TopicNames) -> [GroupMigration.Rename] {
        var renames: [GroupMigration.Rename] = []
        if validate == Self.defaultValidate {
            renames.append(.init(old: Self.legacyValidate, new: validate, topics: topics.inbound))
        }
        if identity == Self.defaultIdentity {
            renames.append(.init(old: Self.legacyIdentity, new: identity, topics: [topics.identity]))
        }
        return renames
    }
}
