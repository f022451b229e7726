/// Queries over the account knowledge graph. All results are ordered
/// deterministically (by id, or by score then id); no Dictionary/Set order
/// reaches them.
extension Ledger {
    /// Accounts in the hierarchy rooted at `a` (itself first, then subsidiaries depth-first by id); cycle-safe.
    func hierarchy(_ a: UInt32) -> [UInt32] {
        var out: [UInt32] = []
        forEachInHierarchy(a, byID: true) { out.append($0) }
        return out
    }

    /// Calls `body` with every account of the hierarchy rooted at `a`, itself first, each
    /// once (cycle-safe); depth-first by account id with `byID`, else in an unspecified
    /// order (for order-independent sums and sorted unions, without comparing ids).
    func forEachInHierarchy(_ a: UInt32, byID: Bool = false, _ body: (UInt32) -> Void) {
        if accounts[Int(a)].children.isEmpty {
            body(a)
            return
        }
        var seen = Set<UInt32>()
        var stack = [a]
        while let x = stack.popLast() {
            guard seen.insert(x).inserted else { continue }
            body(x)
            let kids = accounts[Int(x)].children
            stack.append(contentsOf: byID ? kids.sorted { accountID($0) > accountID($1) } : kids)
        }
    }

    /// An account's contacts with buying roles, sorted by lead id; with
    /// `includeSubsidiaries`, contacts of the whole hierarchy below it.
    package func contacts(of id: AccountID, includeSubsidiaries: Bool = false) -> [Contact] {
        guard let a = accountIndex(of: id) else { return [] }
        let accts = includeSubsidiaries ? hierarchy(a) : [a]
        return accts.flatMap { accounts[Int($0)].contacts.map(contact) }.sorted { $0.lead < $1.lead }
    }

    /// Which buying-center roles an account's contacts cover.
    package func buyingCenterCoverage(of id: AccountID, includeSubsidiaries: Bool = false) -> BuyingCenterCoverage {
        let cs = contacts(of: id, includeSubsidiaries: includeSubsidiaries)
        let counts = BuyingRole.allCases.map { r in (role: r, count: cs.filter { $0.role == r }.count) }
        let covered = counts.filter { $0.count > 0 }.map(\.role)
        return BuyingCenterCoverage(
            contactsByRole: counts, covered: covered,
            fraction: Double(covered.count) / Double(BuyingRole.allCases.count))
    }

    /// Contacts whose last active engagement falls in `window` (inclusive), sorted by lead id.
    package func engagedContacts(of id: AccountID, in window: ClosedRange<EventTime>, includeSubsidiaries: Bool = true) -> [Contact] {
        contacts(of: id, includeSubsidiaries: includeSubsidiaries).filter { c in c.lastEngaged.map(window.contains) ?? false }
    }

    /// An account's engagement including all its subsidiaries (hierarchy roll-up).
    package func rolledUpEngagement(of id: AccountID) -> AccountEngagement {
        guard let a = accountIndex(of: id) else { return AccountEngagement() }
        var total = AccountEngagement()
        for x in hierarchy(a) { total.add(accounts[Int(x)].engagement) }
        return total
    }

    /// The typed, timestamped edges leaving a node, sorted by (kind, target).
    ///
    /// Lead: `works_at` (account), `on_opportunity`, and engagement edges
    /// (`visited`, `opened`, `clicked`, `engaged_with`) to content/campaign
    /// nodes. Account: `subsidiary_of` (parent). Owner: `owns`. Content,
    /// campaign and opportunity nodes have no outgoing edges (see ``neighbors(of:)``).
    package func edges(from node: GraphNode) -> [GraphEdge] {
        var out: [GraphEdge] = []
        switch node.kind {
        case .lead:
            guard let l = LeadID(node.name), let i0 = leadIndex[l] else { return [] }
            let i = follow(i0)
            let a = hot[Int(i)].account
            if a != Self.noIndex {
                let t = EventTime(milliseconds: accounts[Int(a)].linkTime)
                out.append(
                    GraphEdge(
                        kind: .worksAt, from: node, to: GraphNode(.account, accountID(a).rawValue), firstSeen: t, lastSeen: t, count: 1))
            }
            for o in opportunities.indices where opportunities[o].contacts.contains(i) {
                let t = EventTime(milliseconds: opportunities[o].updated)
                out.append(
                    GraphEdge(
                        kind: .onOpportunity, from: node, to: GraphNode(.opportunity, strings[opportunities[o].id]!),
                        firstSeen: t, lastSeen: t, count: 1))
            }
            for e in edgePool[lead: Int(i)].edges {
                out.append(
                    GraphEdge(
                        kind: e.kind, from: node, to: GraphNode(e.targetKind, strings[e.target]!),
                        firstSeen: EventTime(seconds: Int64(e.firstSeen)), lastSeen: EventTime(seconds: Int64(e.lastSeen)), count: e.count))
            }
        case .account:
            guard let a = accountIndex(of: AccountID(node.name)) else { return [] }
            let p = accounts[Int(a)].parent
            if p != Self.noIndex {
                let t = EventTime(milliseconds: accounts[Int(a)].factsTime)
                out.append(
                    GraphEdge(
                        kind: .subsidiaryOf, from: node, to: GraphNode(.account, accountID(p).rawValue), firstSeen: t, lastSeen: t, count: 1
                    ))
            }
        case .owner:
            for a in accounts.indices where strings[accounts[a].owner] == node.name {
                let t = EventTime(milliseconds: accounts[a].factsTime)
                out.append(
                    GraphEdge(
                        kind: .owns, from: node, to: GraphNode(.account, strings[accounts[a].id]!), firstSeen: t, lastSeen: t, count: 1))
            }
        case .campaign, .content, .opportunity:
            break
        }
        return out.sorted { $0.kind != $1.kind ? $0.kind < $1.kind : $0.to < $1.to }
    }

    /// Neighbours of a node in both directions, deterministic order: (edge
    /// kind, node). Used for explanation paths.
    package func neighbors(of node: GraphNode) -> [(edge: EdgeKind, node: GraphNode, reversed: Bool)] {
        var out: [(edge: EdgeKind, node: GraphNode, reversed: Bool)] = edges(from: node).map { ($0.kind, $0.to, false) }
        switch node.kind {
        case .account:
            if let a = accountIndex(of: AccountID(node.name)) {
                let r = accounts[Int(a)]
                out += r.children.map { (EdgeKind.subsidiaryOf, GraphNode(.account, accountID($0).rawValue), true) }
                out += r.contacts.map { (EdgeKind.worksAt, GraphNode(.lead, leadIDs[Int($0)].description), true) }
                out += r.opportunities.map { (EdgeKind.onOpportunity, GraphNode(.opportunity, strings[opportunities[Int($0)].id]!), true) }
                if let o = strings[r.owner] { out.append((EdgeKind.owns, GraphNode(.owner, o), true)) }
            }
        case .opportunity:
            if let sid = strings.lookup(node.name), let o = opportunityIndex[sid] {
                let r = opportunities[Int(o)]
                out += r.contacts.map { (EdgeKind.onOpportunity, GraphNode(.lead, leadIDs[Int($0)].description), true) }
                if r.account != Self.noIndex {
                    out.append((EdgeKind.onOpportunity, GraphNode(.account, accountID(r.account).rawValue), false))
                }
            }
        default:
            break
        }
        return out.sorted {
            $0.edge != $1.edge ? $0.edge < $1.edge : ($0.node != $1.node ? $0.node < $1.node : !$0.reversed && $1.reversed)
        }
    }

    /// The shortest path from a lead to a target node (an account signal: the
    /// parent account, an opportunity, a colleague), for explanations.
    /// Breadth-first over ``neighbors(of:)`` (content and campaign nodes are
    /// not traversed through), so among shortest paths the first in
    /// deterministic neighbour order is returned; nil if none within `maxDepth` edges.
    package func path(from lead: LeadID, to target: GraphNode, maxDepth: Int = 6) -> [PathStep]? {
        let start = GraphNode(.lead, (leadIndex[lead].map { leadIDs[Int(follow($0))] } ?? lead).description)
        if start == target { return [PathStep(node: start, edge: nil, reversed: false)] }
        if let steps = directPath(from: lead, start: start, to: target, maxDepth: maxDepth) { return steps }
        return searchPath(from: start, to: target, maxDepth: maxDepth)
    }

    /// The breadth-first search of ``path(from:to:maxDepth:)`` from the (resolved) lead node `start`.
    func searchPath(from start: GraphNode, to target: GraphNode, maxDepth: Int) -> [PathStep]? {
        if start == target { return [PathStep(node: start, edge: nil, reversed: false)] }
        var previous: [GraphNode: PathStep] = [:]
        var parentOf: [GraphNode: GraphNode] = [:]
        var frontier = [start]
        var seen: Set<GraphNode> = [start]
        var depth = 0
        while !frontier.isEmpty, depth < maxDepth {
            depth += 1
            var next: [GraphNode] = []
            for n in frontier {
                for (edge, m, reversed) in neighbors(of: n) where !seen.contains(m) {
                    seen.insert(m)
                    previous[m] = PathStep(node: m, edge: edge, reversed: reversed)
                    parentOf[m] = n
                    if m == target {
                        var steps = [previous[m]!]
                        var cur = n
                        while cur != start {
                            steps.append(previous[cur]!)
                            cur = parentOf[cur]!
                        }
                        steps.append(PathStep(node: start, edge: nil, reversed: false))
                        return steps.reversed()
                    }
                    if m.kind != .content && m.kind != .campaign { next.append(m) }
                }
            }
            frontier = next
        }
        return nil
    }

    /// The answer of ``path(from:to:maxDepth:)`` without the search, in the
    /// common case where it is a 1–2 edge path through the lead's account or to
    /// one of the lead's opportunities (or 3 edges to a contact of one of its
    /// account's subsidiaries). The lead's traversable neighbours are its
    /// account and its opportunities (its other edges lead to content and
    /// campaign nodes, which are not traversed through), and the account comes
    /// first in neighbour order (`works_at` before `on_opportunity`). So
    /// breadth-first search finds an opportunity of the lead at depth 1, and
    /// any other neighbour of the account at depth 2 through its single edge
    /// from the account, before it expands an opportunity. Returns nil when
    /// that shortcut does not apply (the caller then searches); never a
    /// different path than the search would.
    func directPath(from lead: LeadID, start: GraphNode, to target: GraphNode, maxDepth: Int) -> [PathStep]? {
        guard maxDepth >= 1, let i0 = leadIndex[lead] else { return nil }
        let i = follow(i0)
        let a = hot[Int(i)].account
        guard a != Self.noIndex else { return nil }
        let first = PathStep(node: start, edge: nil, reversed: false)
        // An opportunity target by its interned id (nil: no such string, so no such opportunity).
        let targetOpportunity = target.kind == .opportunity ? strings.lookup(target.name) : nil
        var onOpportunity = false
        for o in opportunities where o.contacts.contains(i) {
            onOpportunity = true
            if let targetOpportunity, o.id == targetOpportunity {
                return [first, PathStep(node: target, edge: .onOpportunity, reversed: false)]
            }
        }
        let accountNode = GraphNode(.account, accountID(a).rawValue)
        let viaAccount = PathStep(node: accountNode, edge: .worksAt, reversed: false)
        if target == accountNode { return [first, viaAccount] }
        guard maxDepth >= 2 else { return nil }
        let r = accounts[Int(a)]
        let last: PathStep
        switch target.kind {
        case .lead:
            // `target != start` here, and the start lead is the only node of the account's contacts already seen.
            guard let t = LeadID.canonical(target.name) else { return nil }  // so leadIDs[c].description == target.name ⇔ leadIDs[c] == t
            if r.contacts.contains(where: { leadIDs[Int($0)] == t }) {
                last = PathStep(node: target, edge: .worksAt, reversed: true)
            } else {
                // A contact of a subsidiary: at depth 3 only the account's opportunities (checked: none
                // names the target) and its subsidiaries (first in node order wins) reach a lead. The lead's
                // own opportunities may reach it at depth 2: the search decides.
                guard !onOpportunity, maxDepth >= 3,
                    !r.opportunities.contains(where: { opportunities[Int($0)].contacts.contains { leadIDs[Int($0)] == t } })
                else { return nil }
                var via: String?
                for child in r.children where accounts[Int(child)].contacts.contains(where: { leadIDs[Int($0)] == t }) {
                    let name = accountID(child).rawValue
                    if via == nil || name.utf8.lexicographicallyPrecedes(via!.utf8) { via = name }
                }
                guard let via else { return nil }
                return [
                    first, viaAccount, PathStep(node: GraphNode(.account, via), edge: .subsidiaryOf, reversed: true),
                    PathStep(node: target, edge: .worksAt, reversed: true),
                ]
            }
        case .account:
            if r.parent != Self.noIndex, accountID(r.parent).rawValue == target.name {
                last = PathStep(node: target, edge: .subsidiaryOf, reversed: false)
            } else if r.children.contains(where: { accountID($0).rawValue == target.name }) {
                last = PathStep(node: target, edge: .subsidiaryOf, reversed: true)
            } else {
                return nil
            }
        case .opportunity:
            guard let targetOpportunity, r.opportunities.contains(where: { opportunities[Int($0)].id == targetOpportunity }) else {
                return nil
            }
            last = PathStep(node: target, edge: .onOpportunity, reversed: true)
        case .owner:
            guard strings[r.owner] == target.name else { return nil }
            last = PathStep(node: target, edge: .owns, reversed: true)
        case .campaign, .content:
            return nil
        }
        return [first, viaAccount, last]
    }

    /// The `k` accounts most similar to `id` by interaction profile: cosine
    /// similarity of the per-category engagement vectors (summed in category
    /// order). Accounts without engagement are skipped; ties are broken by
    /// account id ascending. Scans all accounts (O(accounts × categories)).
    package func similarAccounts(to id: AccountID, k: Int) -> [(account: AccountID, similarity: Double)] {
        guard k > 0, let a = accountIndex(of: id) else { return [] }
        let va = accounts[Int(a)].engagement.counts
        var v = [Double](repeating: 0, count: CategoryCounts.count)
        var nv2 = 0.0
        for c in 0..<CategoryCounts.count {
            v[c] = Double(va[c])
            nv2 += v[c] * v[c]
        }
        let nv = nv2.squareRoot()
        guard nv > 0 else { return [] }
        var scored: [(UInt32, Double)] = []
        for j in accounts.indices where j != Int(a) {
            let w = accounts[j].engagement.counts
            var dot = 0.0
            var nw = 0.0
            for c in 0..<CategoryCounts.count {
                let x = Double(w[c])
                dot += v[c] * x
                nw += x * x
            }
            guard nw > 0 else { continue }
            scored.append((UInt32(j), dot / (nv * nw.squareRoot())))
        }
        scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : accountID($0.0) < accountID($1.0) }
        return scored.prefix(k).map { (accountID($0.0), $0.1) }
    }
}
