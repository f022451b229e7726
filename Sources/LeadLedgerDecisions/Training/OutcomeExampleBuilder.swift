import Foundation
import LeadLedgerCore

/// Builds training examples from ONE partition of the canonical log, event by
/// event in offset order, the way the materialize stage applies them: every
/// event is applied to a ``LeadLedgerCore/Ledger``, and each lead's decayed
/// activity (``LeadActivity``) is kept exactly as the ``Decider`` keeps it (an
/// engagement that is not a repeat is added to its lead's survivor with the
/// configuration's half-life; a merge folds the absorbed lead's activity into
/// the survivor's; an erasure clears it).
///
/// Point in time, no leakage: on a `lead.converted` (label 1) or
/// `lead.disqualified` (label 0) event, the lead's feature row is taken from the
/// state JUST BEFORE the outcome is applied, at the outcome's event time (decay
/// included), with the same ``FeatureExtractor`` path the Decider scores with.
/// Neither the outcome nor anything after it reaches the row.
///
/// - One example per lead: its FIRST outcome. Later outcomes of the same lead
///   (e.g. disqualified, then converted) are counted in ``Statistics/laterOutcomes``
///   and ignored.
/// - Merges: an outcome of a merged-away lead id is the survivor's outcome.
///   When a lead that already has its outcome is merged into another, the
///   survivor counts as having had it (the person's first outcome stays the
///   earlier one); both keep the examples they had.
/// - An outcome of a lead the partition never saw before (nothing to take
///   features from) gives no example but still counts as the lead's first
///   outcome (``Statistics/outcomesOfUnknownLeads``).
/// - Erasure: the example of an erased lead is dropped (``Statistics/erasedExamples``),
///   since its data subject asked for the personal data to be gone.
/// - A repeated log event (same source position, which the ledger ignores) changes nothing.
package struct OutcomeExampleBuilder: Sendable {
    /// What the builder saw.
    package struct Statistics: Sendable, Equatable {
        /// Log events applied (repeats included).
        package var events = 0
        /// Repeats of an applied source position (ignored, as by the ledger).
        package var repeats = 0
        /// Outcome events applied (not repeats).
        package var outcomes = 0
        /// Outcomes of leads that already had one (ignored).
        package var laterOutcomes = 0
        /// First outcomes of leads with no earlier event in the partition (no example).
        package var outcomesOfUnknownLeads = 0
        /// Examples dropped because their lead was erased later.
        package var erasedExamples = 0
    }

    /// The log partition.
    package let partition: Int32
    let extractor: FeatureExtractor
    var ledger = Ledger()
    var activity: [LeadID: LeadActivity] = [:]
    /// Event time of the latest event naming each lead (survivor ids).
    var lastSeen: [LeadID: Int64] = [:]
    /// Leads (survivor ids) whose first outcome has been seen: the index of their example in `rows`, -1 for none.
    var outcomeSeen: [LeadID: Int] = [:]
    var effects: [ProjectionEffect] = []
    var memo = ExtractionMemo()
    var rows: [OutcomeExample?] = []
    /// The statistics so far.
    package private(set) var statistics = Statistics()
    /// The latest event time applied (epoch ms; `Int64.min` before any event).
    package private(set) var lastEventTime = Int64.min
    /// The offset after the last applied event (the partition's end once all are applied).
    package private(set) var endOffset: Int64 = 0

    /// A builder for `partition` whose rows follow `extractor`'s schema and half-life.
    package init(partition: Int32, extractor: FeatureExtractor) {
        self.partition = partition
        self.extractor = extractor
    }

    /// The examples so far, in log order of their outcomes.
    package var examples: [OutcomeExample] { rows.compactMap { $0 } }

    /// The projections built so far (tools and tests).
    package var projections: Ledger { ledger }

    /// The feature row of the lead behind `handle` as the Decider computes it at `time`.
    mutating func row(_ handle: Ledger.LeadHandle, at time: EventTime) -> [Double] {
        let lead = LedgerLead(ledger: ledger, handle: handle)
        let account = ledger.account(of: handle).map { extractor.accountSignals($0, ledger: ledger, at: time) }
        var x = [Double](repeating: 0, count: extractor.schema.count)
        let a = activity[ledger.id(of: handle)] ?? LeadActivity()
        x.withUnsafeMutableBufferPointer { extractor.extract(lead: lead, account: account, activity: a, at: time, into: $0, memo: &memo) }
        return x
    }

    /// Applies the log event at `offset` (events must come in offset order).
    package mutating func apply(_ event: CanonicalEvent, offset: Int64) {
        statistics.events += 1
        endOffset = max(endOffset, offset + 1)
        let t = event.eventTime.milliseconds
        // An outcome: the row from the state before it is applied.
        var pending: (lead: LeadID, kind: OutcomeKind, row: [Double]?)?
        if case .outcome(let kind, _, _) = event.payload, let raw = event.leadID {
            let id = ledger.survivor(of: raw) ?? raw
            var row: [Double]?
            if outcomeSeen[id] == nil, let h = ledger.handle(of: id), !ledger.isErased(h) { row = self.row(h, at: event.eventTime) }
            pending = (id, kind, row)
        }
        effects.removeAll(keepingCapacity: true)
        ledger.apply(event, effects: &effects)
        if effects.contains(.duplicateIgnored) {
            statistics.repeats += 1
            return
        }
        if t > lastEventTime { lastEventTime = t }
        // Activity, as the Decider keeps it.
        let halfLifeMs = extractor.halfLifeMs
        if case .engagement(let e) = event.payload, let raw = event.leadID {
            activity[ledger.survivor(of: raw) ?? raw, default: LeadActivity()].add(e, at: t, halfLifeMs: halfLifeMs)
        }
        if let raw = event.leadID {
            let id = ledger.survivor(of: raw) ?? raw
            lastSeen[id] = max(lastSeen[id] ?? .min, t)
        }
        for effect in effects {
            switch effect {
            case .leadMerged(let survivor, let absorbed):
                if let a = activity[absorbed], a.time != .min {
                    activity[survivor, default: LeadActivity()].merge(a, halfLifeMs: halfLifeMs)
                }
                if let seen = lastSeen[absorbed] { lastSeen[survivor] = max(lastSeen[survivor] ?? .min, seen) }
                if outcomeSeen[absorbed] != nil, outcomeSeen[survivor] == nil { outcomeSeen[survivor] = -1 }
            case .leadErased(let id):
                activity[id] = LeadActivity()
                if let index = outcomeSeen[id], index >= 0, rows[index] != nil {
                    rows[index] = nil
                    statistics.erasedExamples += 1
                }
            default:
                break
            }
        }
        guard let pending else { return }
        statistics.outcomes += 1
        if outcomeSeen[pending.lead] != nil {
            statistics.laterOutcomes += 1
            return
        }
        guard let row = pending.row else {
            statistics.outcomesOfUnknownLeads += 1
            outcomeSeen[pending.lead] = -1
            return
        }
        outcomeSeen[pending.lead] = rows.count
        rows.append(
            OutcomeExample(
                lead: pending.lead, converted: pending.kind == .converted, source: .outcome(pending.kind),
                eventTime: event.eventTime, logPartition: partition, logOffset: offset, row: row))
    }

    /// Label-0 examples at `time` for the leads of this partition with no outcome
    /// whose latest event is at least `idleDays` before `time`: in lead-id order,
    /// survivors only, erased leads left out, rows taken at `time`.
    package mutating func noOutcomeExamples(at time: EventTime, idleDays: Double) -> [OutcomeExample] {
        let cutoff = Double(time.milliseconds) - idleDays * 86_400_000
        var out: [OutcomeExample] = []
        for id in lastSeen.keys.sorted() where outcomeSeen[id] == nil && Double(lastSeen[id]!) <= cutoff {
            guard ledger.survivor(of: id) == id, let h = ledger.handle(of: id), !ledger.isErased(h) else { continue }
            out.append(
                OutcomeExample(
                    lead: id, converted: false, source: .noOutcome, eventTime: time,
                    logPartition: partition, logOffset: endOffset, row: row(h, at: time)))
        }
        return out
    }
}
