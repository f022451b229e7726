/// Why a rule-set switch took a lead away from its owner (``ReassignmentPolicy``).
/// Written as the first reason of the `reassigned` routing record and of its
/// audit decision: `{"contribution":0,"feature":<name>,"kind":"reassignment",
/// "text":…,"value":<the owner it left>}`.
package enum ReassignmentReason: Sendable, Equatable {
    /// The owner is in no territory of the rule set now in force (a rep who left).
    case ownerRemoved
    /// Under `account_owner_first`, the lead's account is owned by another owner (named).
    case notAccountOwner(String)
    /// The owner is not an owner of the lead's territory (named; nil when no territory matches the lead).
    case outsideTerritory(String?)
    /// The owner holds more open routes than its capacity (given) in the lead's territory.
    case overCapacity(Int)

    /// The reason's `feature` name.
    package var name: String {
        switch self {
        case .ownerRemoved: "owner_removed"
        case .notAccountOwner: "owner_not_account_owner"
        case .outsideTerritory: "owner_outside_territory"
        case .overCapacity: "owner_over_capacity"
        }
    }

    /// The reason's sentence about `owner` under rule set `ruleSet`.
    package func text(owner: String, ruleSet: String) -> String {
        let cause: String
        switch self {
        case .ownerRemoved:
            cause = "\(owner) is in no territory of rule set \(ruleSet)"
        case .notAccountOwner(let accountOwner):
            cause = "the lead's account is owned by \(accountOwner), and rule set \(ruleSet) routes to account owners first"
        case .outsideTerritory(let territory?):
            cause = "\(owner) is not an owner of the lead's territory \(territory) in rule set \(ruleSet)"
        case .outsideTerritory(nil):
            cause = "no territory of rule set \(ruleSet) matches the lead"
        case .overCapacity(let capacity):
            cause = "\(owner) holds more open leads than its capacity \(capacity) in rule set \(ruleSet)"
        }
        return "\(name): \(cause), so the lead is reassigned"
    }
}
