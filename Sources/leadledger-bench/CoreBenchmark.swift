import ArgumentParser
import Foundation
import LeadLedgerCore

/// `leadledger-bench core`: loads generated leads, accounts and events into
/// the projections (single thread) and reports memory per lead and apply
/// throughput; also decode and resolve throughput on generated messages.
///
/// All data is generated in-process from a seed (SplitMix64), so two runs
/// with the same flags apply the same events.
struct CoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Benchmark LeadLedgerCore: bytes per lead and events applied per second."
    )

    @Option(help: "Leads to load.") var leads: Int = 1_000_000
    @Option(help: "Accounts to load.") var accounts: Int = 100_000
    @Option(help: "Engagement events to apply after loading.") var events: Int = 10_000_000
    @Option(help: "Inbound messages to decode and resolve (0 to skip).") var messages: Int = 200_000
    @Option(help: "Generator seed.") var seed: UInt64 = 42
    @Flag(help: "Apply events one by one instead of with apply(batch:).") var single = false

    func validate() throws {
        guard leads > 0, accounts > 0, events >= 0, messages >= 0 else {
            throw ValidationError("--leads and --accounts must be > 0, --events and --messages >= 0")
        }
    }

    func run() throws {
        print(
            "LeadLedgerCore benchmark: leads=\(leads) accounts=\(accounts) events=\(events) messages=\(messages) seed=\(seed) apply=\(single ? "single" : "batch")"
        )
        print("memory method: resident set size from /proc/self/statm (pages x page size), read before and after loading;")
        print("  bytes/lead = (RSS after leads - RSS after accounts) / leads. Generated events are built in chunks and freed,")
        print("  so raw event history is excluded; the figure includes the ledger's indexes, interned strings and allocator overhead.")
        let tunables = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? ""
        print("throughput method: thread CPU time and wall time of the apply calls only (event generation excluded).")
        print(
            "  huge pages for malloc (GLIBC_TUNABLES=glibc.malloc.hugetlb=1): \(tunables.contains("glibc.malloc.hugetlb=1") ? "on" : "off");"
                + " the apply loop is bound by cache/TLB misses on ~1 GB of state.")
        var rng = SplitMix64(seed: seed)
        let leadIDs = (0..<leads).map { _ in LeadID(raw: rng.next()) }
        let accountIDs = (0..<accounts).map { AccountID("acct\($0)-\(rng.next() % 1000).com") }
        let categories = ContentCategory.allCases
        let paths = (0..<200).map { "/\(categories[$0 % categories.count].rawValue)/page-\($0)" }
        let titles = [
            "CEO", "VP Sales", "Director of IT", "Marketing Manager", "Software Engineer", "Senior Analyst", "Office Manager", "CFO",
        ]
        let titleClasses = titles.map { JobTitleClassifier.classify($0) }
        let firstNames = (0..<2000).map { "First\($0)" }
        let lastNames = (0..<5000).map { "Last\($0)" }
        var offset: Int64 = 0
        func lineage(_ system: SourceSystem) -> Lineage {
            offset += 1
            return Lineage(
                position: SourcePosition(topic: "web.events", partition: 0, offset: offset), seq: 0, externalID: nil, system: system)
        }
        let t0: Int64 = 1_700_000_000_000

        var ledger = Ledger()
        ledger.reserveCapacity(leads: leads, accounts: accounts)
        let rssStart = residentBytes()

        // Accounts (10% are subsidiaries of an earlier account).
        for i in 0..<accounts {
            var f = AccountFacts()
            f.name = "Account \(i)"
            f.domain = accountIDs[i].rawValue
            f.employees = Int(rng.next() % 10_000)
            f.industry = ["Software", "Retail", "Finance", "Health"][i % 4]
            f.ownerID = "owner-\(i % 200)"
            if i > 0, rng.next() % 10 == 0 { f.parent = accountIDs[Int(rng.next() % UInt64(i))] }
            ledger.apply(
                CanonicalEvent(
                    eventTime: EventTime(milliseconds: t0), leadID: nil, accountID: accountIDs[i],
                    lineage: lineage(.crm), payload: .accountUpserted(f)))
        }
        let rssAccounts = residentBytes()

        // Leads: identity, attributes (like a CRM lead.created) and account link.
        let loadClock = ContinuousClock()
        let loadStart = loadClock.now
        for i in 0..<leads {
            let id = leadIDs[i]
            let a = Int(rng.next() % UInt64(accounts))
            let first = firstNames[Int(rng.next() % UInt64(firstNames.count))]
            let last = lastNames[Int(rng.next() % UInt64(lastNames.count))]
            let email = "\(first.lowercased()).\(last.lowercased())\(i)@\(accountIDs[a].rawValue)"
            let t = Int(rng.next() % UInt64(titles.count))
            let title = titles[t]
            let c = titleClasses[t]
            let time = EventTime(milliseconds: t0 + Int64(i))
            ledger.apply(
                CanonicalEvent(
                    eventTime: time, leadID: id, accountID: accountIDs[a], lineage: lineage(.crm),
                    payload: .identityLinked([Identifier(.crmRecord, "salesforce:00Q\(i)"), Identifier(.email, email)])))
            ledger.apply(
                CanonicalEvent(
                    eventTime: time, leadID: id, accountID: accountIDs[a], lineage: lineage(.crm),
                    payload: .attributes([
                        AttributeValue(.email, email), AttributeValue(.firstName, first), AttributeValue(.lastName, last),
                        AttributeValue(.title, title), AttributeValue(.phone, "+1415\(1_000_000 + i % 9_000_000)"),
                        AttributeValue(.country, "US"), AttributeValue(.seniority, c.seniority.rawValue),
                        AttributeValue(.jobFunction, c.function.rawValue), AttributeValue(.buyingRole, c.role.rawValue),
                    ])))
            ledger.apply(
                CanonicalEvent(
                    eventTime: time, leadID: id, accountID: accountIDs[a], lineage: lineage(.crm),
                    payload: .accountLinked(.emailDomain)))
        }
        let loadTime = loadClock.now - loadStart
        let rssLeads = residentBytes()
        let perLead = Double(rssLeads - rssAccounts) / Double(leads)
        print(
            String(
                format: "accounts: %d loaded, RSS +%.1f MiB (%.0f B/account)", accounts,
                Double(rssAccounts - rssStart) / 1_048_576, Double(rssAccounts - rssStart) / Double(accounts)))
        print(
            String(
                format: "leads:    %d loaded (3 events each) in %.2f s, RSS +%.1f MiB", leads, seconds(loadTime),
                Double(rssLeads - rssAccounts) / 1_048_576))
        print(String(format: "bytes per lead (after load): %.0f B  [target <= 1024]", perLead))

        // Engagement events, generated in chunks outside the timed section.
        let chunk = 250_000
        var applied = 0
        var applyTime = Duration.zero
        var applyCPU = 0.0
        var effects: [ProjectionEffect] = []
        effects.reserveCapacity(4096)
        var buffer: [CanonicalEvent] = []
        buffer.reserveCapacity(chunk)
        var time = t0 + Int64(leads)
        while applied < events {
            buffer.removeAll(keepingCapacity: true)
            for _ in 0..<min(chunk, events - applied) {
                let r = rng.next()
                let id = leadIDs[Int(r % UInt64(leads))]
                time += 7
                let kind = (r >> 32) % 100
                let path = paths[Int((r >> 40) % UInt64(paths.count))]
                let payload: CanonicalPayload
                let system: SourceSystem
                switch kind {
                case 0..<55:
                    payload = .engagement(
                        Engagement(
                            action: .pageView, category: categories[Int((r >> 40) % UInt64(paths.count)) % categories.count], content: path)
                    )
                    system = .web
                case 55..<75:
                    payload = .engagement(Engagement(action: .open, category: .email, campaign: "campaign-\((r >> 48) % 50)"))
                    system = .email
                case 75..<85:
                    payload = .engagement(
                        Engagement(
                            action: .click, category: categories[Int((r >> 40) % UInt64(paths.count)) % categories.count], content: path,
                            campaign: "campaign-\((r >> 48) % 50)"))
                    system = .email
                case 85..<93:
                    payload = .engagement(Engagement(action: .delivered, category: .email))
                    system = .email
                case 93..<98:
                    payload = .engagement(Engagement(action: .track, category: .demo, content: "Demo Requested"))
                    system = .web
                default:
                    payload = .attributes([AttributeValue(.title, titles[Int((r >> 40) % UInt64(titles.count))])])
                    system = .web
                }
                buffer.append(
                    CanonicalEvent(
                        eventTime: EventTime(milliseconds: time), leadID: id, accountID: nil, lineage: lineage(system), payload: payload))
            }
            let clock = ContinuousClock()
            let start = clock.now
            let cpu0 = threadCPUSeconds()
            if single {
                for e in buffer {
                    effects.removeAll(keepingCapacity: true)
                    ledger.apply(e, effects: &effects)
                }
            } else {
                for start in stride(from: 0, to: buffer.count, by: 1024) {
                    effects.removeAll(keepingCapacity: true)
                    ledger.apply(batch: buffer[start..<min(start + 1024, buffer.count)], effects: &effects)
                }
            }
            applyCPU += threadCPUSeconds() - cpu0
            applyTime += clock.now - start
            applied += buffer.count
        }
        buffer = []
        let rssEvents = residentBytes()
        if events > 0 {
            print(
                String(
                    format:
                        "events:   %d applied in %.2f s wall = %.0f events/s; thread CPU %.2f s = %.0f events/s (single thread)  [target >= 1,000,000]",
                    applied, seconds(applyTime), Double(applied) / seconds(applyTime), applyCPU, Double(applied) / applyCPU))
            print(
                String(
                    format: "bytes per lead (after events, incl. graph edges): %.0f B; evicted edges: %d",
                    Double(rssEvents - rssAccounts) / Double(leads), ledger.evictedEdges))
        }
        // A few queries, timed, so their cost is visible.
        let qClock = ContinuousClock()
        let qStart = qClock.now
        let similar = ledger.similarAccounts(to: accountIDs[0], k: 5)
        let coverage = ledger.buyingCenterCoverage(of: accountIDs[0], includeSubsidiaries: true)
        print(
            String(
                format: "queries: similarAccounts(k=5) + coverage in %.1f ms; top similarity %.4f; coverage %.2f",
                seconds(qClock.now - qStart) * 1000, similar.first?.similarity ?? 0, coverage.fraction))
        print("ledger: \(ledger.leadCount) leads, \(ledger.accountCount) accounts, \(ledger.strings.count) interned strings")
        try snapshot(ledger)

        if messages > 0 { try decodeAndResolve(&rng) }
    }

    /// Decode (bytes → typed events) and resolve (→ canonical events) throughput on generated messages.
    func decodeAndResolve(_ rng: inout SplitMix64) throws {
        var msgs: [(InboundTopic, [UInt8])] = []
        msgs.reserveCapacity(messages)
        for i in 0..<messages {
            let r = rng.next()
            let person = r % 50_000
            let ts = 1_712_000_000 + i
            let json: String
            switch r % 10 {
            case 0..<5:
                json =
                    #"{"type":"page","messageId":"m\#(i)","userId":"u\#(person)","timestamp":"2024-04-01T10:00:00.123Z","context":{"ip":"8.8.8.8","userAgent":"Mozilla/5.0","page":{"url":"https://vendor.io/pricing?x=1","path":"/pricing","referrer":"https://google.com/"}},"properties":{"title":"Pricing"}}"#
            case 5..<8:
                json =
                    #"{"email":"p\#(person)@acct\#(person % 1000).com","timestamp":\#(ts),"event":"open","sg_event_id":"e\#(i)","sg_message_id":"m\#(i).filter0001","category":["newsletter"],"campaign_id":"c7"}"#
            case 8:
                json =
                    #"{"type":"identify","messageId":"m\#(i)","userId":"u\#(person)","anonymousId":"a\#(person)","timestamp":"2024-04-01T10:00:00Z","traits":{"email":"p\#(person)@acct\#(person % 1000).com","title":"VP Sales","firstName":"P"}}"#
            default:
                json =
                    #"{"event_id":"e\#(i)","type":"lead.updated","occurred_at":"2024-04-01T10:00:00Z","source":"salesforce","record_id":"R\#(person)","lead":{"email":"p\#(person)@acct\#(person % 1000).com","title":"Director of IT","phone":"(415) 555-0132","country":"US"}}"#
            }
            let topic: InboundTopic =
                switch r % 10 {
                case 0..<5, 8: .web
                case 5..<8: .email
                default: .crm
                }
            msgs.append((topic, Array(json.utf8)))
        }
        let bytes = msgs.reduce(0) { $0 + $1.1.count }
        let decoder = InboundDecoder()
        var decoded: [[InboundEvent]] = []
        decoded.reserveCapacity(messages)
        let clock = ContinuousClock()
        let s1 = clock.now
        for (topic, b) in msgs { decoded.append(try decoder.decode(topic: topic, bytes: b)) }
        let decodeTime = seconds(clock.now - s1)
        var resolver = IdentityResolver()
        var produced = 0
        let s2 = clock.now
        for (i, d) in decoded.enumerated() {
            produced += resolver.resolve(d, at: SourcePosition(topic: msgs[i].0.rawValue, partition: 0, offset: Int64(i))).count
        }
        let resolveTime = seconds(clock.now - s2)
        print(
            String(
                format: "decode:   %d messages (%.1f MB) in %.2f s = %.0f msg/s, %.1f MB/s", messages, Double(bytes) / 1e6,
                decodeTime, Double(messages) / decodeTime, Double(bytes) / 1e6 / decodeTime))
        print(
            String(
                format: "resolve:  %d messages -> %d canonical events in %.2f s = %.0f msg/s (normalization + identity)",
                messages, produced, resolveTime, Double(messages) / resolveTime))
        let s3 = clock.now
        let bytesR = resolver.snapshotBytes()
        let encodeR = seconds(clock.now - s3)
        let s4 = clock.now
        let restoredR = try IdentityResolver(snapshot: bytesR)
        let decodeR = seconds(clock.now - s4)
        print(
            String(
                format: "resolver snapshot: %.1f MB (%d leads) encode %.3f s, decode %.3f s; restored == original: %@",
                Double(bytesR.count) / 1e6, resolver.counters.leadsCreated, encodeR, decodeR, restoredR == resolver ? "yes" : "NO"))
    }

    /// Snapshot size and encode/decode time of the loaded ledger (what the engine writes to SQLite on revoke).
    func snapshot(_ ledger: Ledger) throws {
        let clock = ContinuousClock()
        let s0 = clock.now
        let c0 = threadCPUSeconds()
        let bytes = ledger.snapshotBytes()
        let encodeCPU = threadCPUSeconds() - c0
        let encode = seconds(clock.now - s0)
        let s1 = clock.now
        let c1 = threadCPUSeconds()
        let restored = try Ledger(snapshot: bytes)
        let decodeCPU = threadCPUSeconds() - c1
        let decode = seconds(clock.now - s1)
        let same = restored == ledger && restored.snapshotBytes() == bytes
        print(
            String(
                format:
                    "ledger snapshot: %.1f MB = %.0f B/lead; encode %.2f s wall / %.2f s CPU (%.0f MB/s CPU), decode %.2f s wall / %.2f s CPU (%.0f MB/s CPU)",
                Double(bytes.count) / 1e6, Double(bytes.count) / Double(ledger.leadCount), encode, encodeCPU,
                Double(bytes.count) / 1e6 / encodeCPU,
                decode, decodeCPU, Double(bytes.count) / 1e6 / decodeCPU))
        print("  restored == original and re-encodes to the same bytes: \(same ? "yes" : "NO")")
    }

    func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

/// CPU time consumed by this thread (CLOCK_THREAD_CPUTIME_ID), in seconds:
/// throughput on a machine shared with other builds is judged by it, not by wall time alone.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Resident set size in bytes, from /proc/self/statm (Linux); 0 elsewhere.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
