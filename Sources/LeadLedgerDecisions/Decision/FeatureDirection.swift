/// The direction a catalogue feature may move a lead's score, declared once per
/// feature (``FeatureDefinition/direction``) and checked against every shipped
/// configuration by the monotonicity property test.
///
/// - `positive`: more of it never lowers the score (intent, engagement, fit such as company size);
/// - `negative`: more of it never raises the score (careers pages, bounces, unsubscribes, free mail);
/// - `free`: no declared direction (ordinal codes such as `seniority_rank`, whose 0 means
///   unknown, and the one-hot columns of categorical attributes).
///
/// An event is *positive* when its only feature changes are increases of
/// `positive` features or decreases of `negative` ones, and *negative* in the
/// mirror case; a careers-page view (page views up, careers up) is neither.
package enum FeatureDirection: String, Sendable, CaseIterable {
    case positive, negative, free
}
