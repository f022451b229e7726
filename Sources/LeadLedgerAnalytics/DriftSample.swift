import LeadLedgerCore

/// One scored decision as drift monitoring reads it: a primary decision of an
/// audit record with its score and feature values (nil: the feature was missing).
package struct DriftSample: Sendable, Equatable {
    package var modelVersion: String
    package var time: EventTime
    package var score: Double
    package var features: [String: Double?]

    package init(modelVersion: String, time: EventTime, score: Double, features: [String: Double?]) {
        self.modelVersion = modelVersion
        self.time = time
        self.score = score
        self.features = features
    }

    /// The name drift reports use for the score.
    package static let scoreName = "score"

    /// The sample's value of `name` (``scoreName`` or a feature); nil when missing.
    package func value(_ name: String) -> Double? {
        name == Self.scoreName ? score : (features[name] ?? nil)
    }
}
