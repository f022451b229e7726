extension IdentityResolver {
    /// Version of the ``snapshotBytes()`` layout this build writes and reads.
    /// A snapshot of another version is rejected
    /// (``SnapshotError/Code/unsupportedVersion``).
    package static let snapshotFormatVersion: UInt32 = 1

    /// Every node's union-find root, computed without mutating (no path
    /// compression needed): the canonical form of the forest, independent of
    /// which `find` calls happened to compress which paths.
    func canonicalRoots() -> [Int32] {
        var roots = [Int32](repeating: -1, count: parent.count)
        var path: [Int32] = []
        for i in 0..<parent.count where roots[i] < 0 {
            var n = Int32(i)
            path.removeAll(keepingCapacity: true)
            while roots[Int(n)] < 0 && parent[Int(n)] != n {
                path.append(n)
                n = parent[Int(n)]
            }
            let root = roots[Int(n)] >= 0 ? roots[Int(n)] : n
            roots[Int(root)] = root
            for m in path { roots[Int(m)] = root }
        }
        return roots
    }

    /// The resolver's complete state (union-find forest, lead ids, issued
    /// ids, account link tables, anonymous buffers, watermark, counters and
    /// the configuration it runs with) as a compact, versioned, checksummed
    /// byte string (layout in docs/core.md).
    ///
    /// A pure function of the logical state: the same state gives the same
    /// bytes in every process. The union-find is written fully compressed
    /// (each node's root), every hash table sorted by a stable key (node
    /// number, lead root, raw id, or UTF-8 bytes of the key), and the
    /// normalization memos (pure functions of their keys) are left out and
    /// refill on demand.
    package func snapshotBytes() -> [UInt8] {
        var w = SnapshotEnvelope.begin(
            tag: .identityResolver, version: Self.snapshotFormatVersion,
            capacity: parent.count * 40 + leads.count * 40)
        w.zigzag(configuration.anonymousTTL)
        w.zigzag(Int64(configuration.maxBufferedPerVisitor))
        w.bool(configuration.email.gmailDots)
        for c in [
            counters.leadsCreated, counters.merges, counters.anonymousBuffered, counters.anonymousFlushed,
            counters.anonymousExpired, counters.anonymousOverflowed, counters.anonymousPending, counters.erasuresUnknown,
        ] {
            w.zigzag(Int64(c))
        }
        w.zigzag(watermark.milliseconds)
        w.zigzag(nextSweep.milliseconds)
        // Union-find: node count, each node's root.
        let roots = canonicalRoots()
        w.varint(roots.count)
        for r in roots { w.varint(UInt64(r)) }
        // Identifier keys by node number.
        let keyed = nodeOf.map { ($0.value, $0.key) }.sorted { $0.0 < $1.0 }
        w.varint(keyed.count)
        for (node, key) in keyed {
            w.varint(UInt64(node))
            w.string(key)
        }
        // Leads by root node.
        w.varint(leads.count)
        for root in leads.keys.sorted() {
            let s = leads[root]!
            w.varint(UInt64(root))
            w.u64(s.id.raw)
            w.zigzag(s.firstSeen.milliseconds)
            w.optString(s.account?.rawValue)
            w.u8(s.method.map { $0.snapshotOrdinal + 1 } ?? 0)
        }
        w.varint(issued.count)
        for id in issued.sorted() { w.u64(id) }
        // Account tables by key bytes.
        func sortedKeys<V>(_ d: [String: V]) -> [String] { d.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        w.varint(accountByCompany.count)
        for k in sortedKeys(accountByCompany) {
            w.string(k)
            w.optString(accountByCompany[k]!?.rawValue)  // none = ambiguous name
        }
        for table in [accountByCRM, accountByGroup] {
            w.varint(table.count)
            for k in sortedKeys(table) {
                w.string(k)
                w.string(table[k]!.rawValue)
            }
        }
        // Anonymous buffers by visitor, each in arrival order.
        w.varint(pending.count)
        for k in sortedKeys(pending) {
            w.string(k)
            let list = pending[k]!
            w.varint(list.count)
            for p in list { Self.write(p.event, to: &w) }
        }
        return SnapshotEnvelope.finish(&w)
    }

    static func write(_ e: SegmentEvent, to w: inout SnapshotWriter) {
        w.u8(e.type.snapshotOrdinal)
        w.string(e.messageID)
        w.optString(e.userID)
        w.optString(e.anonymousID)
        w.zigzag(e.timestamp.milliseconds)
        for s in [e.event, e.name, e.pageURL, e.pagePath, e.referrer, e.campaign, e.category, e.groupID] { w.optString(s) }
        let t = e.traits
        for s in [t.email, t.name, t.firstName, t.lastName, t.title, t.phone, t.company, t.website, t.domain, t.country] { w.optString(s) }
        w.optInt(t.employees)
        w.optString(t.industry)
        w.optString(e.ip)
        w.optString(e.userAgent)
    }

    static func readSegmentEvent(_ r: inout SnapshotReader) throws(SnapshotError) -> SegmentEvent {
        let type = try r.enumCase("segment type", SegmentCallType.self)
        let messageID = try r.string("segment message id")
        let userID = try r.optString("segment user id")
        let anonymousID = try r.optString("segment anonymous id")
        let timestamp = EventTime(milliseconds: try r.zigzag("segment timestamp"))
        var o: [String?] = []
        for _ in 0..<8 { o.append(try r.optString("segment field")) }
        var traits = SegmentTraits()
        var t: [String?] = []
        for _ in 0..<10 { t.append(try r.optString("segment trait")) }
        (traits.email, traits.name, traits.firstName, traits.lastName, traits.title) = (t[0], t[1], t[2], t[3], t[4])
        (traits.phone, traits.company, traits.website, traits.domain, traits.country) = (t[5], t[6], t[7], t[8], t[9])
        traits.employees = try r.optInt("segment employees")
        traits.industry = try r.optString("segment industry")
        return SegmentEvent(
            type: type, messageID: messageID, userID: userID, anonymousID: anonymousID, timestamp: timestamp,
            event: o[0], name: o[1], pageURL: o[2], pagePath: o[3], referrer: o[4], campaign: o[5], category: o[6],
            groupID: o[7], traits: traits, ip: try r.optString("segment ip"), userAgent: try r.optString("segment user agent"))
    }

    /// Restores a resolver from ``snapshotBytes()``.
    ///
    /// `configuration` must equal the one the snapshot was taken with (TTL,
    /// buffer bound, email rules): resolving with other rules would not
    /// continue the same history, so a difference throws
    /// ``SnapshotError/Code/configurationMismatch`` (re-resolve from the
    /// source topics instead). Damaged, foreign or other-version bytes throw
    /// the matching ``SnapshotError``; the normalization memos start empty.
    package init(snapshot bytes: [UInt8], configuration: Configuration = Configuration()) throws(SnapshotError) {
        var r = try SnapshotEnvelope.open(bytes, tag: .identityResolver, version: Self.snapshotFormatVersion)
        self.init(configuration: configuration)
        let ttl = try r.zigzag("configuration TTL")
        let maxBuffered = try r.int("configuration buffer bound")
        let gmailDots = try r.bool("configuration gmail dots")
        let stored = Configuration(anonymousTTL: ttl, maxBufferedPerVisitor: maxBuffered, email: EmailNormalizer(gmailDots: gmailDots))
        guard stored == configuration else {
            throw SnapshotError(.configurationMismatch, "snapshot taken with \(stored), restoring with \(configuration)")
        }
        var c = Counters()
        c.leadsCreated = try r.int("counters")
        c.merges = try r.int("counters")
        c.anonymousBuffered = try r.int("counters")
        c.anonymousFlushed = try r.int("counters")
        c.anonymousExpired = try r.int("counters")
        c.anonymousOverflowed = try r.int("counters")
        c.anonymousPending = try r.int("counters")
        c.erasuresUnknown = try r.int("counters")
        counters = c
        watermark = EventTime(milliseconds: try r.zigzag("watermark"))
        nextSweep = EventTime(milliseconds: try r.zigzag("next sweep"))
        // Union-find.
        let n = try r.count("node count")
        guard n < Int(Int32.max) else { throw r.fail("node count", "too many nodes") }
        parent.reserveCapacity(n)
        for _ in 0..<n { parent.append(Int32(try r.index("node root", below: n))) }
        var rootCount = 0
        for i in 0..<n {
            guard parent[Int(parent[i])] == parent[i] else { throw r.fail("node root", "node \(i)'s root \(parent[i]) is not a root") }
            if parent[i] == Int32(i) { rootCount += 1 }
        }
        let nk = try r.count("identifier count", minBytes: 2)
        nodeOf.reserveCapacity(nk)
        var lastNode = -1
        for _ in 0..<nk {
            let node = Int(try r.index("identifier node", below: n))
            guard node > lastNode else { throw r.fail("identifier node", "nodes not strictly increasing") }
            lastNode = node
            guard nodeOf.updateValue(Int32(node), forKey: try r.string("identifier key")) == nil else {
                throw r.fail("identifier key", "duplicate identifier")
            }
        }
        // Leads: exactly one per root.
        let nl = try r.count("lead count", minBytes: 12)
        guard nl == rootCount else { throw r.fail("lead count", "\(nl) leads for \(rootCount) union-find roots") }
        leads.reserveCapacity(nl)
        var lastRoot: Int32 = -1
        for _ in 0..<nl {
            let root = Int32(try r.index("lead root", below: n))
            guard root > lastRoot, parent[Int(root)] == root else {
                throw r.fail("lead root", "node \(root) is not a root or out of order")
            }
            lastRoot = root
            let id = LeadID(raw: try r.u64("lead id"))
            let firstSeen = EventTime(milliseconds: try r.zigzag("lead first seen"))
            let account = try r.optString("lead account").map(AccountID.init)
            let m = try r.u8("lead link method")
            guard Int(m) <= AccountLinkMethod.allCases.count, (m == 0) == (account == nil) else {
                throw r.fail("lead link method", "method \(m) with account \(account?.rawValue ?? "none")")
            }
            leads[root] = LeadState(
                id: id, firstSeen: firstSeen, account: account,
                method: m == 0 ? nil : AccountLinkMethod.allCases[Int(m) - 1])
        }
        let ni = try r.count("issued count", minBytes: 8)
        issued.reserveCapacity(ni)
        var lastID: UInt64? = nil
        for _ in 0..<ni {
            let id = try r.u64("issued id")
            guard lastID.map({ id > $0 }) ?? true else { throw r.fail("issued id", "ids not strictly increasing") }
            lastID = id
            issued.insert(id)
        }
        // Account tables.
        func readKey(_ what: String, after last: inout String?) throws(SnapshotError) -> String {
            let k = try r.string(what)
            guard last.map({ $0.utf8.lexicographicallyPrecedes(k.utf8) }) ?? true else {
                throw r.fail(what, "keys not strictly increasing")
            }
            last = k
            return k
        }
        var last: String? = nil
        for _ in 0..<(try r.count("company count", minBytes: 2)) {
            let k = try readKey("company key", after: &last)
            accountByCompany[k] = .some(try r.optString("company account").map(AccountID.init))
        }
        last = nil
        for _ in 0..<(try r.count("crm account count", minBytes: 2)) {
            let k = try readKey("crm account key", after: &last)
            accountByCRM[k] = AccountID(try r.string("crm account"))
        }
        last = nil
        for _ in 0..<(try r.count("group count", minBytes: 2)) {
            let k = try readKey("group key", after: &last)
            accountByGroup[k] = AccountID(try r.string("group account"))
        }
        // Anonymous buffers.
        last = nil
        for _ in 0..<(try r.count("visitor count", minBytes: 2)) {
            let k = try readKey("visitor", after: &last)
            let m = try r.count("buffered count", minBytes: 20)
            guard m > 0 else { throw r.fail("buffered count", "empty buffer") }
            var list: [Pending] = []
            list.reserveCapacity(m)
            for _ in 0..<m { list.append(Pending(event: try Self.readSegmentEvent(&r))) }
            pending[k] = list
        }
        try r.finish()
    }
}

extension IdentityResolver: Equatable {
    /// Equal when the logical state is equal: configuration, counters, the
    /// union-find partition (each node's root, however compressed), lead
    /// states, issued ids, account tables, anonymous buffers and watermark.
    /// The normalization memos are ignored (they never change a result).
    package static func == (a: IdentityResolver, b: IdentityResolver) -> Bool {
        a.configuration == b.configuration && a.counters == b.counters && a.watermark == b.watermark
            && a.nextSweep == b.nextSweep && a.nodeOf == b.nodeOf && a.leads == b.leads && a.issued == b.issued
            && a.accountByCompany == b.accountByCompany && a.accountByCRM == b.accountByCRM
            && a.accountByGroup == b.accountByGroup && a.pending == b.pending
            && a.parent.count == b.parent.count && a.canonicalRoots() == b.canonicalRoots()
    }
}
