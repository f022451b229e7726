import Foundation
import LeadLedgerCore

/// Per-lead decayed activity counters (part of ``DecisionState``).
/// Values are referenced to ``time``: reading at a later time multiplies by
/// `0.5^((t − time)/halfLife)`.
package struct LeadActivity: Sendable, Equatable {
    /// Reference event time of the values (epoch ms).
    package var time: Int64 = .min
    package var engagement = 0.0, pageViews = 0.0, tracks = 0.0, email = 0.0, crm = 0.0
    package var pricing = 0.0, demo = 0.0, docs = 0.0, caseStudy = 0.0, careers = 0.0, forms = 0.0, replies = 0.0, contact = 0.0
    package var positiveReplies = 0.0, meetings = 0.0, negativeReplies = 0.0

    package init() {}

    static let fieldCount = 16

    func value(_ i: Int) -> Double {
        switch i {
        case 0: engagement
        case 1: pageViews
        case 2: tracks
        case 3: email
        case 4: crm
        case 5: pricing
        case 6: demo
        case 7: docs
        case 8: caseStudy
        case 9: careers
        case 10: forms
        case 11: replies
        case 12: contact
        case 13: positiveReplies
        case 14: meetings
        default: negativeReplies
        }
    }

    mutating func set(_ i: Int, _ v: Double) {
        switch i {
        case 0: engagement = v
        case 1: pageViews = v
        case 2: tracks = v
        case 3: email = v
        case 4: crm = v
        case 5: pricing = v
        case 6: demo = v
        case 7: docs = v
        case 8: caseStudy = v
        case 9: careers = v
        case 10: forms = v
        case 11: replies = v
        case 12: contact = v
        case 13: positiveReplies = v
        case 14: meetings = v
        default: negativeReplies = v
        }
    }

    /// Decay factor from `from` to `to` (1 when `to <= from`).
    @inline(__always)
    static func decay(from: Int64, to: Int64, halfLifeMs: Double) -> Double {
        to <= from ? 1 : Foundation.exp2(-Double(to - from) / halfLifeMs)
    }

    /// The values as seen at event time `t` (no change to the stored state).
    package func at(_ t: Int64, halfLifeMs: Double) -> LeadActivity {
        guard time != .min, t > time else { return self }
        let f = Self.decay(from: time, to: t, halfLifeMs: halfLifeMs)
        var out = self
        out.time = t
        for i in 0..<Self.fieldCount { out.set(i, value(i) * f) }
        return out
    }

    /// Adds one engagement at event time `t` (out-of-order events are decayed
    /// to the current reference time instead of moving it back).
    package mutating func add(_ e: Engagement, at t: Int64, halfLifeMs: Double) {
        if time == .min { time = t }
        var w = 1.0
        if t > time { self = at(t, halfLifeMs: halfLifeMs) } else { w = Self.decay(from: t, to: time, halfLifeMs: halfLifeMs) }
        guard e.action.isActive else { return }
        switch e.action {
        case .groupResubscribe, .unsubscribe, .groupUnsubscribe, .spamreport: return
        default: break
        }
        engagement += w
        switch e.action {
        case .pageView: pageViews += w
        case .track:
            tracks += w
            if let name = e.content, name.lowercased().contains("form") { forms += w }
        case .open, .click: email += w
        case .emailReply:
            replies += w
            switch ReplyOutcome(detail: e.detail) {
            case .positive: positiveReplies += w
            case .negative: negativeReplies += w
            case .neutral: break
            }
        case .meeting:
            crm += w
            meetings += w
        case .call, .note: crm += w
        default: break
        }
        switch e.category {
        case .pricing: pricing += w
        case .demo: demo += w
        case .docs: docs += w
        case .caseStudy: caseStudy += w
        case .careers: careers += w
        case .contact: contact += w
        default: break
        }
    }
}
