import LeadLedgerCore
import Testing

/// The ledger's gap-aware de-duplication: events name the previous event of
/// their source partition in the same log partition (`after`), so a re-sent
/// event below the highest one seen is applied once and a repeat is ignored.
@Suite("Ledger: gap-aware de-duplication of log events")
struct LedgerCoverageTests {
    static let lead = LeadID(raw: 0x0123_4567_89ab_cdef)

    /// A page view of `lead` from web.events/0 at `offset`, event `seq` of its message.
    static func event(_ offset: Int64, seq: Int = 0) -> CanonicalEvent {
        CanonicalEvent(
            eventTime: EventTime(seconds: 1_700_000_000 + offset), leadID: lead, accountID: nil,
            lineage: Lineage(
                position: SourcePosition(topic: "web.events", partition: 0, offset: offset), seq: seq, externalID: nil,
                system: .web),
            payload: .engagement(Engagement(action: .pageView, category: .blog, content: "/p\(offset)")))
    }

    /// Applies `(offset, after)` pairs; returns the offsets applied and the gaps opened.
    static func run(_ steps: [(Int64, LineageMark?)], on ledger: inout Ledger) -> (applied: [Int64], gaps: [String]) {
        var applied: [Int64] = []
        var gaps: [String] = []
        for (offset, after) in steps {
            var effects: [ProjectionEffect] = []
            let verdict = ledger.apply(event(offset), after: after, effects: &effects)
            if verdict.apply {
                applied.append(offset)
                #expect(!effects.contains(.duplicateIgnored))
            } else {
                #expect(effects == [.duplicateIgnored])
            }
            if let gap = verdict.opened { gaps.append("\(gap.after)...\(gap.through)") }
        }
        return (applied, gaps)
    }

    static func mark(_ offset: Int64) -> LineageMark { LineageMark(offset: offset, seq: 0) }

    @Test("a re-sent event below the highest seen is applied once, its repeat ignored, one gap reported")
    func resentEventIsApplied() {
        var ledger = Ledger()
        // Offsets 0, 3, 5 of the source went to this log partition; 3 was lost, then 3 and 5 re-sent.
        let result = Self.run(
            [(0, .origin), (5, Self.mark(3)), (3, Self.mark(0)), (5, Self.mark(3)), (3, Self.mark(0))], on: &ledger)
        #expect(result.applied == [0, 5, 3])
        #expect(result.gaps == ["0/0...3/0"])
        #expect(ledger.lead(Self.lead)?.engagement.pageViews == 3)
    }

    @Test("events without a previous mark keep the high-water rule (logs written before the header)")
    func legacyHighWater() {
        var ledger = Ledger()
        let result = Self.run([(0, nil), (5, nil), (3, nil), (5, nil), (6, nil)], on: &ledger)
        #expect(result.applied == [0, 5, 6])
        #expect(result.gaps.isEmpty)
    }

    @Test("an event after legacy events joins the prefix they moved: no gap")
    func upgradeJoinsLegacyPrefix() {
        var ledger = Ledger()
        let result = Self.run([(0, nil), (2, nil), (7, Self.mark(2)), (7, Self.mark(2))], on: &ledger)
        #expect(result.applied == [0, 2, 7])
        #expect(result.gaps.isEmpty)
    }

    @Test("events of one message are ordered by seq")
    func seqWithinMessage() {
        var ledger = Ledger()
        var effects: [ProjectionEffect] = []
        #expect(ledger.apply(Self.event(4, seq: 1), after: LineageMark(offset: 4, seq: 0), effects: &effects).apply)
        #expect(ledger.apply(Self.event(4, seq: 0), after: .origin, effects: &effects).apply)
        #expect(!ledger.apply(Self.event(4, seq: 1), after: LineageMark(offset: 4, seq: 0), effects: &effects).apply)
    }

    @Test("the coverage, open gap included, survives a snapshot; damaged range order is rejected")
    func snapshotKeepsOpenGap() throws {
        var ledger = Ledger()
        _ = Self.run([(0, .origin), (5, Self.mark(3))], on: &ledger)
        let bytes = ledger.snapshotBytes()
        var restored = try Ledger(snapshot: bytes)
        #expect(restored == ledger)
        #expect(restored.snapshotBytes() == bytes)
        let result = Self.run([(5, Self.mark(3)), (3, Self.mark(0)), (3, Self.mark(0))], on: &restored)
        #expect(result.applied == [3])
    }

    @Test("lineage marks read back their header form and nothing else")
    func headerForm() {
        #expect(LineageMark(header: "12/3") == LineageMark(offset: 12, seq: 3))
        #expect(LineageMark(header: LineageMark.origin.description) == .origin)
        for bad in ["", "12", "12/", "/3", "a/b", "12/3/4", "-2/0", "1/-1"] { #expect(LineageMark(header: bad) == nil) }
    }
}
