import Foundation
import LeadLedgerCore

/// One input of an ``Ensemble``.
package enum EnsembleModel: Sendable {
    /// Rule points (``RuleModel/score(_:)``).
    case rules(RuleModel)
    /// Logistic regression margin (log-odds).
    case logistic(LogisticRegression)
    /// Tree ensemble margin (log-odds for binary models).
    case trees(TreeEnsemble)
    /// A feature's value taken as is (e.g. an account signal computed upstream); missing counts as 0.
    case feature(String)

    var kind: String {
        switch self {
        case .rules: return "rules"
        case .logistic: return "logistic_regression"
        case .trees: return "trees"
        case .feature: return "feature"
        }
    }
}
