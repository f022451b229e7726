import LeadLedgerCore

/// What one evaluation of a lead produced: the feature row, each feature's
/// contribution, the model's base, margin, probability and score, the top
/// features and the group components. The decider's working value; its
/// records carry the ``scores`` and the ``DecisionReasons`` made from it, and
/// the audit record's primary decision the full row and contributions.
struct DecisionEvaluation {
    var row: [Double]
    var contributions: [Double]
    var base: Double
    var margin: Double
    var probability: Double
    var score: Int
    var top: [Int]
    var components: (fit: Double, engagement: Double, intent: Double, account: Double)
    /// Graph paths of the account signals among `top` (feature index, path), computed once per decision.
    var paths: [(Int, [PathStep])] = []

    /// The numbers the records carry.
    var scores: DecisionScores {
        DecisionScores(
            base: base, margin: margin, probability: probability, score: score, fit: components.fit,
            engagement: components.engagement, intent: components.intent, account: components.account)
    }
}
