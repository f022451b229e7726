import Foundation

/// How a CRM email reply's outcome (`activity.logged` `outcome`, free text set by
/// a rep or a sales-engagement tool) reads: the source of the `positive_replies`
/// and `negative_replies` features.
///
/// The outcome is split into lower-case words (any character that is not a
/// letter or digit separates words, so `not_interested` is `not interested`).
/// Negative words win: `not interested` is negative although it contains
/// `interested`. Pure and deterministic: the same text always reads the same.
package enum ReplyOutcome: Sendable, Equatable {
    case positive, negative, neutral

    /// Words that make a reply negative (checked first).
    static let negativeWords: Set<Substring> = [
        "not", "no", "uninterested", "negative", "unsubscribe", "unsubscribed", "stop", "remove",
        "declined", "decline", "wrong", "later", "bounced", "spam",
    ]
    /// Words that make a reply positive.
    static let positiveWords: Set<Substring> = [
        "interested", "positive", "yes", "booked", "meeting", "demo", "trial", "pricing", "proposal", "qualified", "connected",
    ]

    /// The reading of `detail` (nil or empty: neutral).
    package init(detail: String?) {
        guard let detail, !detail.isEmpty else {
            self = .neutral
            return
        }
        let words = detail.lowercased().split { !($0.isLetter || $0.isNumber) }
        if words.contains(where: { Self.negativeWords.contains($0) }) {
            self = .negative
            return
        }
        self = words.contains(where: { Self.positiveWords.contains($0) }) ? .positive : .neutral
    }
}
