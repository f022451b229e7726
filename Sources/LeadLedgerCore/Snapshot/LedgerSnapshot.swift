extension Ledger {
    /// Version of the ``snapshotBytes()`` layout this build writes and reads.
    /// Bump it whenever the layout or the meaning of a field changes; a
    /// snapshot of another version is rejected
    /// (``SnapshotError/Code/unsupportedVersion``) and the engine rebuilds
    /// the partition by replaying the log from the start.
    package static let snapshotFormatVersion: UInt32 = 3

    /// The ledger's complete state as a compact, versioned, checksummed byte
    /// string (layout in docs/core.md).
    ///
    /// A pure function of the state: equal ledgers give equal bytes in every
    /// process. Nothing hash-ordered is written: sparse tables are written
    /// sorted by their integer key, and the lead index, account index and
    /// string lookup table are not written at all (they are rebuilt from the
    /// dense arrays). Restoring with ``init(snapshot:)`` gives a ledger equal
    /// (`==`) to this one that behaves identically for every later event.
    package func snapshotBytes() -> [UInt8] {
        var w = SnapshotEnvelope.begin(
            tag: .ledger, version: Self.snapshotFormatVersion,
            capacity: leadIDs.count * 160 + strings.count * 24 + accounts.count * 64)
        // Strings.
        strings.write(to: &w)
        // Leads.
        let n = leadIDs.count
        w.varint(n)
        for i in 0..<n {
            w.u64(leadIDs[i].raw)
            var mask: UInt16 = 0
            attrs.forEach(lead: i) { k, _ in mask |= 1 << UInt16(k) }
            w.u8(UInt8(truncatingIfNeeded: mask))
            w.u8(UInt8(truncatingIfNeeded: mask >> 8))
            attrs.forEach(lead: i) { _, s in
                w.varint(s.value)
                w.u8(s.source)
                w.time(s.time)
            }
            let h = hot[i]
            Self.write(h.engagement, to: &w)
            w.optIndex(h.account)
            w.u8(h.link)
            w.u8(h.flags.rawValue)
            w.u8(h.health.rawValue)
            let block = edgePool[lead: i]
            var edgeMask: UInt8 = 0
            for k in 0..<EdgeBlock.capacity where block[k].count != 0 { edgeMask |= 1 << UInt8(k) }
            w.u8(edgeMask)
            for k in 0..<EdgeBlock.capacity where edgeMask & (1 << UInt8(k)) != 0 {
                let e = block[k]
                w.u8(UInt8(e.kind.rank))
                w.u8(UInt8(e.targetKind.rank))
                w.varint(e.target)
                w.varint(e.firstSeen)
                w.varint(e.lastSeen)
                w.varint(e.count)
            }
            w.optIndex(identHead[i])
        }
        // Identifier pool, verbatim (chains are per lead; nodes orphaned by
        // erasure or merge stay, so the restored ledger is equal).
        w.varint(identPool.count)
        for node in identPool {
            w.u8(node.kind.ordinal)
            w.varint(node.value)
            w.optIndex(node.next)
        }
        w.zigzag(Int64(evictedEdgeCount))
        // Sparse tables, sorted by lead index.
        w.sortedTable(mergedInto) { w, into in w.varint(into) }
        w.sortedTable(absorbedBy) { w, absorbed in w.indices(absorbed) }
        w.sortedTable(outcomes) { w, o in
            w.u8(o.kind.snapshotOrdinal)
            w.optString(o.reason)
            w.optString(o.opportunityID)
            w.zigzag(o.eventTime.milliseconds)
        }
        w.sortedTable(overrides) { w, o in
            w.u8(o.fields.tier.map(Self.overrideTierByte) ?? 0)
            w.optString(o.fields.queue)
            w.optString(o.fields.ownerID)
            w.optString(o.fields.setBy)
            w.optString(o.fields.note)
            w.zigzag(o.eventTime.milliseconds)
        }
        // Accounts.
        w.varint(accounts.count)
        for r in accounts {
            w.varint(r.id)
            w.optIndex(r.name)
            w.optIndex(r.domain)
            w.optIndex(r.industry)
            w.optIndex(r.country)
            w.optIndex(r.owner)
            w.zigzag(Int64(r.employees))
            w.f64(r.revenue)
            w.u8(r.factsSource)
            w.time(r.factsTime)
            w.optIndex(r.parent)
            w.indices(r.children)
            w.indices(r.contacts)
            w.indices(r.opportunities)
            for c in 0..<CategoryCounts.count { w.varint(r.engagement.counts[c]) }
            w.varint(r.engagement.total)
            w.time(r.engagement.lastEngaged)
            w.time(r.linkTime)
        }
        // Opportunities.
        w.varint(opportunities.count)
        for r in opportunities {
            w.varint(r.id)
            w.optIndex(r.account)
            w.optIndex(r.stage)
            w.f64(r.amount)
            w.optIndex(r.closeDate)
            w.u8((r.isClosed ? 1 : 0) | (r.isWon ? 2 : 0))
            w.indices(r.contacts)
            w.time(r.updated)
        }
        // Idempotence coverage, in first-seen order (part of the state): the
        // prefix mark, then the ranges covered out of order (format 3).
        w.varint(appliedKeys.count)
        for (k, m) in zip(appliedKeys, appliedMarks) {
            w.string(k.topic)
            w.zigzag(Int64(k.partition))
            w.zigzag(m.prefix.offset)
            w.zigzag(Int64(m.prefix.seq))
            w.varint(m.pending.count)
            for range in m.pending {
                w.zigzag(range.after.offset)
                w.zigzag(Int64(range.after.seq))
                w.zigzag(range.end.offset)
                w.zigzag(Int64(range.end.seq))
            }
        }
        // Custom CRM fields (format 2), sorted by lead, then by account index.
        w.sortedTable(leadCustom) { w, fields in Self.writeCustomFields(fields, to: &w) }
        w.sortedTable(accountCustom) { w, fields in Self.writeCustomFields(fields, to: &w) }
        return SnapshotEnvelope.finish(&w)
    }

    static func write(_ g: EngagementAggregate, to w: inout SnapshotWriter) {
        w.varint(g.pageViews)
        w.varint(g.tracks)
        w.varint(g.emailsDelivered)
        w.varint(g.emailOpens)
        w.varint(g.emailClicks)
        w.varint(g.crmActivities)
        w.varint(g.highIntent)
        w.time(g.firstEngaged)
        w.time(g.lastEngaged)
        w.time(g.lastHighIntent)
    }

    static func readEngagement(_ r: inout SnapshotReader) throws(SnapshotError) -> EngagementAggregate {
        var g = EngagementAggregate()
        g.pageViews = try r.u32v("engagement")
        g.tracks = try r.u32v("engagement")
        g.emailsDelivered = try r.u32v("engagement")
        g.emailOpens = try r.u32v("engagement")
        g.emailClicks = try r.u32v("engagement")
        g.crmActivities = try r.u32v("engagement")
        g.highIntent = try r.u32v("engagement")
        g.firstEngaged = try r.time("engagement")
        g.lastEngaged = try r.time("engagement")
        g.lastHighIntent = try r.time("engagement")
        return g
    }

    /// Restores a ledger from ``snapshotBytes()``.
    ///
    /// Checks the envelope (magic, type, ``snapshotFormatVersion``, length,
    /// CRC-32) and then every index and key of the payload, so a damaged or
    /// foreign snapshot throws a ``SnapshotError`` and never traps or yields
    /// a wrong ledger. The lead index, account/opportunity indexes and the
    /// string lookup table are rebuilt.
    package init(snapshot bytes: [UInt8]) throws(SnapshotError) {
        var r = try SnapshotEnvelope.open(bytes, tag: .ledger, version: Self.snapshotFormatVersion)
        self.init()
        // Strings.
        strings = try StringTable(reading: &r)
        let ns = strings.count
        // Leads.
        let n = try r.count("lead count", minBytes: 8 + 2 + 10 + 6)
        guard n < Int(UInt32.max) else { throw r.fail("lead count", "too many leads") }
        reserveCapacity(leads: n, accounts: 0)
        var heads = ContiguousArray<UInt32>()
        heads.reserveCapacity(n)
        for i in 0..<n {
            let id = LeadID(raw: try r.u64("lead id"))
            guard leadIndex[id] == nil else { throw r.fail("lead id", "duplicate lead \(id)") }
            leadIndex[id] = UInt32(i)
            leadIDs.append(id)
            let mask = UInt16(try r.u8("attribute mask")) | UInt16(try r.u8("attribute mask")) << 8
            let present = Self.attrCount < 16 ? mask & (1 << UInt16(Self.attrCount) - 1) : mask
            attrs.appendLead(capacity: present.nonzeroBitCount)
            for k in 0..<Self.attrCount where present & (1 << UInt16(k)) != 0 {
                let v = try r.index("attribute value", below: ns)
                let source = try r.u8("attribute source")
                guard (1...3).contains(source) else { throw r.fail("attribute source", "priority \(source)") }
                attrs.appendToLastLead(index: k, AttrSlot(value: v, source: source, time: try r.time("attribute time")))
            }
            var h = LeadHot()
            h.engagement = try Self.readEngagement(&r)
            h.account = try r.u32v("lead account")  // checked against the account count below
            h.account = h.account == 0 ? Self.noIndex : h.account - 1
            h.link = try r.u8("lead link")
            guard Int(h.link) <= AccountLinkMethod.allCases.count else { throw r.fail("lead link", "strength \(h.link)") }
            h.flags = Flags(rawValue: try r.u8("lead flags"))
            guard h.flags.rawValue & ~3 == 0 else { throw r.fail("lead flags", "unknown bits") }
            h.health = EmailHealth(rawValue: try r.u8("email health"))
            guard h.health.rawValue & ~0x1F == 0 else { throw r.fail("email health", "unknown bits") }
            let edgeMask = try r.u8("edge mask")
            var block = EdgeBlock()
            for k in 0..<EdgeBlock.capacity where edgeMask & (1 << UInt8(k)) != 0 {
                let kind = try r.enumCase("edge kind", EdgeKind.self)
                let targetKind = try r.enumCase("edge target kind", NodeKind.self)
                let target = try r.index("edge target", below: ns)
                let e = PackedEdge(
                    kind: kind, targetKind: targetKind, target: target, firstSeen: try r.u32v("edge first seen"),
                    lastSeen: try r.u32v("edge last seen"), count: try r.u32v("edge count"))
                guard e.count > 0 else { throw r.fail("edge count", "occupied slot with count 0") }
                block[k] = e
            }
            hot.append(h)
            edgePool.appendLead()
            if edgeMask != 0 { edgePool[lead: hot.count - 1] = block }
            heads.append(try r.u32v("ident head"))
        }
        let np = try r.count("identifier pool", minBytes: 3)
        identPool.reserveCapacity(np)
        for _ in 0..<np {
            identPool.append(
                IdentNode(
                    kind: try r.enumCase("identifier kind", IdentifierKind.self),
                    value: try r.index("identifier value", below: ns),
                    next: try r.optIndex("identifier next", below: np)))
        }
        for h in heads {
            guard h == 0 || Int(h) <= np else { throw r.fail("ident head", "index \(h - 1) out of range") }
            identHead.append(h == 0 ? .max : h - 1)
        }
        // Chains must end (no cycles), so views and merges terminate.
        var visited = [Bool](repeating: false, count: np)
        for h in identHead {
            var i = h
            while i != .max {
                guard !visited[Int(i)] else { throw r.fail("identifier pool", "shared or cyclic chain at node \(i)") }
                visited[Int(i)] = true
                i = identPool[Int(i)].next
            }
        }
        evictedEdgeCount = try r.int("evicted edges")
        // Sparse tables.
        let nm = try r.count("merged count", minBytes: 2)
        mergedInto.reserveCapacity(nm)
        for _ in 0..<nm {
            let k = try r.index("merged lead", below: n)
            let v = try r.index("merged into", below: n)
            guard mergedInto.updateValue(v, forKey: k) == nil, k != v else { throw r.fail("merged lead", "duplicate or self redirect") }
            guard hot[Int(k)].flags.contains(.merged) else { throw r.fail("merged lead", "lead \(k) not flagged merged") }
        }
        for k in 0..<n where hot[k].flags.contains(.merged) && mergedInto[UInt32(k)] == nil {
            throw r.fail("merged lead", "lead \(k) flagged merged without redirect")
        }
        for k in mergedInto.keys {  // redirect chains must end at a live lead
            var x = k
            var steps = 0
            while let next = mergedInto[x] {
                x = next
                steps += 1
                guard steps <= nm else { throw r.fail("merged into", "redirect cycle") }
            }
        }
        let na = try r.count("absorbed count", minBytes: 2)
        absorbedBy.reserveCapacity(na)
        for _ in 0..<na {
            let k = try r.index("absorbing lead", below: n)
            guard absorbedBy.updateValue(try r.indices("absorbed leads", below: n), forKey: k) == nil else {
                throw r.fail("absorbing lead", "duplicate key")
            }
        }
        let no = try r.count("outcome count", minBytes: 5)
        outcomes.reserveCapacity(no)
        for _ in 0..<no {
            let k = try r.index("outcome lead", below: n)
            let o = OutcomeRecord(
                kind: try r.enumCase("outcome kind", OutcomeKind.self), reason: try r.optString("outcome reason"),
                opportunityID: try r.optString("outcome opportunity"),
                eventTime: EventTime(milliseconds: try r.zigzag("outcome time")))
            guard outcomes.updateValue(o, forKey: k) == nil else { throw r.fail("outcome lead", "duplicate key") }
        }
        let nv = try r.count("override count", minBytes: 7)
        overrides.reserveCapacity(nv)
        for _ in 0..<nv {
            let k = try r.index("override lead", below: n)
            var f = CRMOverrideFields()
            let tier = try r.u8("override tier")
            if tier > 0 {
                guard Int(tier) <= Self.overrideTiers.count else { throw r.fail("override tier", "case \(tier)") }
                f.tier = Self.overrideTiers[Int(tier) - 1]
            }
            f.queue = try r.optString("override queue")
            f.ownerID = try r.optString("override owner")
            f.setBy = try r.optString("override set by")
            f.note = try r.optString("override note")
            let o = OverrideRecord(fields: f, eventTime: EventTime(milliseconds: try r.zigzag("override time")))
            guard overrides.updateValue(o, forKey: k) == nil else { throw r.fail("override lead", "duplicate key") }
        }
        // Accounts (indexes into accounts/opportunities are checked once both counts are known).
        let nacc = try r.count("account count", minBytes: 30)
        accounts.reserveCapacity(nacc)
        accountIndex.reserveCapacity(nacc)
        var accountOpps: [[UInt32]] = []
        for a in 0..<nacc {
            var rec = AccountRecord(id: try r.index("account id", below: ns))
            guard accountIndex.updateValue(UInt32(a), forKey: rec.id) == nil else { throw r.fail("account id", "duplicate account") }
            rec.name = try r.optIndex("account name", below: ns)
            rec.domain = try r.optIndex("account domain", below: ns)
            rec.industry = try r.optIndex("account industry", below: ns)
            rec.country = try r.optIndex("account country", below: ns)
            rec.owner = try r.optIndex("account owner", below: ns)
            rec.employees = try r.int("account employees")
            rec.revenue = try r.f64("account revenue")
            rec.factsSource = try r.u8("account facts source")
            guard rec.factsSource <= 3 else { throw r.fail("account facts source", "priority \(rec.factsSource)") }
            rec.factsTime = try r.time("account facts time")
            rec.parent = try r.optIndex("account parent", below: nacc)
            rec.children = try r.indices("account children", below: nacc)
            rec.contacts = try r.indices("account contacts", below: n)
            accountOpps.append(try r.indices("account opportunities", below: Int(UInt32.max)))
            for c in 0..<CategoryCounts.count { rec.engagement.counts[c] = try r.u32v("account engagement") }
            rec.engagement.total = try r.u32v("account engagement total")
            rec.engagement.lastEngaged = try r.time("account last engaged")
            rec.linkTime = try r.time("account link time")
            accounts.append(rec)
        }
        for a in 0..<nacc {  // the hierarchy must be acyclic
            var x = accounts[a].parent
            var steps = 0
            while x != Self.noIndex {
                x = accounts[Int(x)].parent
                steps += 1
                guard steps <= nacc else { throw r.fail("account parent", "cycle through account \(a)") }
            }
        }
        for i in 0..<n where hot[i].account != Self.noIndex && Int(hot[i].account) >= nacc {
            throw r.fail("lead account", "index \(hot[i].account) out of range 0..<\(nacc)")
        }
        let nopp = try r.count("opportunity count", minBytes: 14)
        opportunities.reserveCapacity(nopp)
        for o in 0..<nopp {
            var rec = OpportunityRecord(id: try r.index("opportunity id", below: ns))
            guard opportunityIndex.updateValue(UInt32(o), forKey: rec.id) == nil else {
                throw r.fail("opportunity id", "duplicate opportunity")
            }
            rec.account = try r.optIndex("opportunity account", below: nacc)
            rec.stage = try r.optIndex("opportunity stage", below: ns)
            rec.amount = try r.f64("opportunity amount")
            rec.closeDate = try r.optIndex("opportunity close date", below: ns)
            let flags = try r.u8("opportunity flags")
            guard flags & ~3 == 0 else { throw r.fail("opportunity flags", "unknown bits") }
            rec.isClosed = flags & 1 != 0
            rec.isWon = flags & 2 != 0
            rec.contacts = try r.indices("opportunity contacts", below: n)
            rec.updated = try r.time("opportunity updated")
            opportunities.append(rec)
        }
        for a in 0..<nacc {
            guard accountOpps[a].allSatisfy({ Int($0) < nopp }) else {
                throw r.fail("account opportunities", "index out of range 0..<\(nopp)")
            }
            accounts[a].opportunities = accountOpps[a]
        }
        // Idempotence marks.
        let nk = try r.count("source count", minBytes: 4)
        for _ in 0..<nk {
            let topic = try r.string("source topic")
            let p = try r.zigzag("source partition")
            guard let partition = Int32(exactly: p) else { throw r.fail("source partition", "\(p) exceeds Int32") }
            let key = SourceKey(topic: topic, partition: partition)
            guard !appliedKeys.contains(key) else { throw r.fail("source topic", "duplicate source \(topic)/\(partition)") }
            appliedKeys.append(key)
            let prefix = LineageMark(offset: try r.zigzag("source offset"), seq: try r.int("source seq"))
            let ranges = try r.count("source ranges", minBytes: 4)
            var pending: [SourceCoverage<LineageMark>.Range] = []
            for _ in 0..<ranges {
                let after = LineageMark(offset: try r.zigzag("range after offset"), seq: try r.int("range after seq"))
                let end = LineageMark(offset: try r.zigzag("range end offset"), seq: try r.int("range end seq"))
                guard prefix < after, after < end, pending.last.map({ $0.end < after }) ?? true else {
                    throw r.fail("source ranges", "ranges out of order")
                }
                pending.append(SourceCoverage.Range(after: after, end: end))
            }
            appliedMarks.append(SourceCoverage(prefix: prefix, pending: pending))
        }
        // Custom CRM fields.
        let nlc = try r.count("lead custom count", minBytes: 2)
        for _ in 0..<nlc {
            let k = try r.index("custom lead", below: n)
            guard leadCustom.updateValue(try Self.readCustomFields(&r), forKey: k) == nil else {
                throw r.fail("custom lead", "duplicate key")
            }
        }
        let nac = try r.count("account custom count", minBytes: 2)
        for _ in 0..<nac {
            let k = try r.index("custom account", below: nacc)
            guard accountCustom.updateValue(try Self.readCustomFields(&r), forKey: k) == nil else {
                throw r.fail("custom account", "duplicate key")
            }
        }
        try r.finish()
        rebuildContactSummaries()
    }
}

extension IdentifierKind {
    /// Position in `allCases` without building the array (hot in snapshots).
    var ordinal: UInt8 {
        switch self {
        case .email: 0
        case .crmRecord: 1
        case .userID: 2
        case .anonymousID: 3
        }
    }

}

extension Ledger {
    /// An override's tier in a snapshot is 1 + its position here (0: no tier). The
    /// order is the one the format was written with, kept so older snapshots read back.
    static let overrideTiers: [Tier] = [.salesReady, .salesDevelop, .nurture, .review, .disqualified]

    /// The snapshot byte of an override's tier.
    static func overrideTierByte(_ tier: Tier) -> UInt8 {
        switch tier {
        case .salesReady: 1
        case .salesDevelop: 2
        case .nurture: 3
        case .review: 4
        case .disqualified: 5
        }
    }

    /// Custom fields: count, then per field its key, a tag (0 string, 1 number, 2 boolean) and the value.
    static func writeCustomFields(_ fields: [CustomField], to w: inout SnapshotWriter) {
        w.varint(fields.count)
        for f in fields {
            w.string(f.key)
            switch f.value {
            case .string(let s):
                w.u8(0)
                w.string(s)
            case .number(let d):
                w.u8(1)
                w.f64(d)
            case .bool(let b):
                w.u8(2)
                w.bool(b)
            }
        }
    }

    static func readCustomFields(_ r: inout SnapshotReader) throws(SnapshotError) -> [CustomField] {
        let count = try r.count("custom field count", minBytes: 3)
        guard count > 0, count <= CustomField.maximumCount else { throw r.fail("custom field count", "\(count) fields") }
        var fields: [CustomField] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            let key = try r.string("custom field key")
            guard CustomField.isValidKey(key), fields.last.map({ $0.key.utf8.lexicographicallyPrecedes(key.utf8) }) ?? true else {
                throw r.fail("custom field key", "invalid or unsorted key")
            }
            switch try r.u8("custom field tag") {
            case 0: fields.append(CustomField(key, .string(try r.string("custom field value"))))
            case 1: fields.append(CustomField(key, .number(try r.f64("custom field value"))))
            case 2: fields.append(CustomField(key, .bool(try r.bool("custom field value"))))
            case let tag: throw r.fail("custom field tag", "tag \(tag)")
            }
        }
        return fields
    }
}
