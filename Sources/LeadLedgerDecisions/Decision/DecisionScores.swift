/// The numbers behind a decision's route, as its records carry them: the
/// model's explanation base, margin, probability and score, and the score
/// components (the sigmoid of each feature group's summed contributions).
struct DecisionScores: Sendable, Equatable {
    var base: Double
    var margin: Double
    var probability: Double
    var score: Int
    var fit: Double
    var engagement: Double
    var intent: Double
    var account: Double
}
