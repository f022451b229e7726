import Foundation
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import LeadLedgerReadModel
import Testing

@Suite("Read model store")
struct ReadModelStoreTests {
    typealias F = ReadModelFixtures
    static let leadA = "ld_00000000000000a1"
    static let leadB = "ld_00000000000000b2"
    static let dc1 = "dc_" + String(repeating: "1", count: 32)
    static let dc2 = "dc_" + String(repeating: "2", count: 32)
    static let dc3 = "dc_" + String(repeating: "3", count: 32)

    /// A small history: lead A created with an email and a CRM record, two
    /// decisions (the second moves it to ae-inbound), an account with a parent
    /// and an opportunity, lead B decided as a further decision, two DLQ records.
    static func history() -> [LogRecord] {
        var attributes: [AttributeValue] = [AttributeValue(.firstName, "Jane"), AttributeValue(.lastName, "Doe")]
        attributes.append(AttributeValue(.buyingRole, "decision_maker"))
        var account = AccountFacts()
        account.name = "Acme"
        account.parent = AccountID("acme-holding.com")
        var opportunity = OpportunityFacts(opportunityID: "opp-1")
        opportunity.stage = "proposal"
        opportunity.amount = 50_000
        opportunity.contacts = [LeadID(leadA)!]
        return [
            F.record(
                "events", 0, 0,
                F.event(
                    .identityLinked([Identifier(.email, "jane@acme.io"), Identifier(.crmRecord, "salesforce:00Q1")]), lead: leadA,
                    account: "acme.io", time: 1_000, offset: 0)),
            F.record("events", 0, 1, F.event(.attributes(attributes), lead: leadA, account: "acme.io", time: 2_000, offset: 1)),
            F.record("events", 0, 2, F.event(.accountUpserted(account), lead: nil, account: "acme.io", time: 3_000, offset: 2)),
            F.record("events", 0, 3, F.event(.opportunity(opportunity), lead: nil, account: "acme.io", time: 4_000, offset: 3)),
            F.record(
                "events", 0, 4,
                F.event(
                    .engagement(Engagement(action: .click, category: .pricing)), lead: leadA, account: "acme.io", time: 5_000, offset: 4)),
            F.record(
                "audit", 0, 0,
                F.audit(decisionID: dc1, lead: leadA, account: "acme.io", time: "2024-04-02T08:00:00.000Z", logOffset: 1, change: "new")),
            F.record(
                "audit", 0, 1,
                F.audit(
                    decisionID: dc2, lead: leadA, account: "acme.io", tier: "sales_ready", queue: "ae-inbound", score: 80,
                    time: "2024-04-02T09:00:00.000Z", logOffset: 4, kind: "engagement",
                    further: [(leadB, "sales_develop", "sdr-inbound")], change: "tier")),
            F.record(
                "routing", 0, 0, F.routing(lead: leadA, account: "acme.io", emails: ["Jane@Acme.io"], time: "2024-04-02T08:00:00.000Z")),
            F.record("dlq", 0, 0, F.deadLetter(code: .malformedJSON, offset: 7)),
            F.record("dlq", 1, 0, F.deadLetter(code: .malformedJSON, offset: 8)),
            F.record("dlq", 1, 1, F.deadLetter(code: .schemaViolation, offset: 9)),
        ]
    }

    /// A lead's explanation lists the activations behind its decisions, as `explain`
    /// does: a rule-set promote stored from the log is credited with the decision
    /// after it that names its rule set, with the control event's actor and reason;
    /// without the configured versions the member is absent.
    @Test func leadExplanationsListTheSwitchesBehindTheDecisions() throws {
        let pilot = "0123456789abcdef"
        let configured = ConfiguredVersions(model: "m1", ruleSet: "fedcba9876543210")
        let promote = ControlEvent(
            eventID: "c1", kind: .rulesetPromote, version: pilot, actor: "ana", reason: "pilot queues",
            occurredAt: EventTime.parseRFC3339("2024-04-02T08:30:00Z")!)
        let control = ControlRecords.logRecords(promote, topic: "events", partitions: 1)[0]
        let second = F.audit(
            decisionID: Self.dc2, lead: Self.leadA, account: "acme.io", tier: "sales_ready", queue: "ae-inbound", score: 80,
            time: "2024-04-02T09:00:00.000Z", logOffset: 4, kind: "engagement", change: "tier")
        let piloted = String(decoding: second, as: UTF8.self).replacing(#""ruleset_version":"r1""#, with: #""ruleset_version":"\#(pilot)""#)
        let records = [
            LogRecord(topic: "events", partition: 0, offset: 2, key: control.key, value: control.value, headers: control.headers),
            F.record(
                "audit", 0, 0,
                F.audit(decisionID: Self.dc1, lead: Self.leadA, account: "acme.io", time: "2024-04-02T08:00:00.000Z", logOffset: 1)),
            F.record("audit", 0, 1, Array(piloted.utf8)),
        ]
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics, configured: configured)
        #expect(try store.apply(records) == 0)
        let lead = try #require(try store.lead(Self.leadA))
        let switches = try #require(lead.switches)
        #expect(switches.map(\.decisionIDs) == [[Self.dc2]])
        #expect(switches.first?.type == "ruleset.promote" && switches.first?.version == pilot && switches.first?.from == configured.ruleSet)
        #expect(switches.first?.actor == "ana" && switches.first?.reason == "pilot queues" && switches.first?.log.offset == 2)

        let plain = try ReadModelStore(directory: F.directory(), topics: F.topics)
        #expect(try plain.apply(records) == 0)
        #expect(try plain.lead(Self.leadA)?.switches == nil)
    }

    @Test(
        "an account lists its signals with their graph paths (schema_version 3 records named through the feature set) and similar accounts")
    func accountSignalsAndSimilarAccounts() async throws {
        let names = ["seniority_rank", "intent_pricing", "account_engaged_contacts"]
        let set = FeatureSet(names: names, meanings: ["", "", "contacts of the account engaged"])
        let directory = FeatureSetDirectory(load: { FeatureSets([set]) })
        await directory.refresh()
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics, featureSets: directory)
        func account(_ id: String, industry: String, employees: Int, country: String, parent: String? = nil) -> AccountFacts {
            var facts = AccountFacts()
            facts.industry = industry
            facts.employees = employees
            facts.country = country
            facts.parent = parent.map { AccountID($0) }
            return facts
        }
        let accounts: [(String, AccountFacts)] = [
            ("acme.io", account("acme.io", industry: "Software", employees: 200, country: "US", parent: "acme-holding.com")),
            ("acme-holding.com", account("acme-holding.com", industry: "Software", employees: 300, country: "US")),
            ("peer-de.example", account("peer-de.example", industry: "software", employees: 390, country: "DE")),
            ("peer-us.example", account("peer-us.example", industry: "Software", employees: 150, country: "US")),
            ("huge.example", account("huge.example", industry: "Software", employees: 5000, country: "US")),
            ("shop.example", account("shop.example", industry: "Retail", employees: 200, country: "US")),
        ]
        var records = accounts.enumerated().map { i, a in
            F.record("events", 0, Int64(i), F.event(.accountUpserted(a.1), lead: nil, account: a.0, time: 1_000, offset: Int64(i)))
        }
        records.append(
            F.record(
                "audit", 0, 0,
                F.auditV3(
                    decisionID: Self.dc1, lead: Self.leadA, account: "acme.io", time: "2024-04-02T08:00:00.000Z", logOffset: 7,
                    featureSet: set.id, featureCount: names.count, reason: (2, 3, 0.4), graphPath: true)))
        records.append(
            F.record(
                "audit", 0, 1,
                F.auditV3(
                    decisionID: Self.dc2, lead: Self.leadB, account: "acme.io", time: "2024-04-02T09:00:00.000Z", logOffset: 8,
                    featureSet: set.id, featureCount: names.count, reason: (1, 1, 0.9), graphPath: false)))
        #expect(try store.apply(records) == 0)

        let acme = try #require(try store.account("acme.io"))
        #expect(acme.notAvailable.isEmpty)
        let signal = try #require(acme.signals.first)
        #expect(acme.signals.count == 1 && signal.feature == "account_engaged_contacts" && signal.value == 3 && signal.contribution == 0.4)
        #expect(signal.leadID == Self.leadA && signal.decisionID == Self.dc1)
        #expect(signal.graphPath.map(\.kind) == ["lead", "account"] && signal.graphPath.last?.node == "acme.io")
        #expect(signal.graphPath.last?.edge == "works_at")
        #expect(signal.text == "account_engaged_contacts = 3 raised the log-odds by 0.4 (contacts of the account engaged)")
        // Same industry, half to twice the size, the parent left out; same country first.
        #expect(acme.similarAccounts.map(\.accountID) == ["peer-us.example", "peer-de.example"])
        // A lead's explanation carries the path too.
        let lead = try #require(try store.lead(Self.leadA))
        #expect(lead.decisions.first?.reasons.first?.graphPath?.count == 2)
        #expect(try store.account("shop.example")?.similarAccounts.isEmpty == true)
    }

    @Test("custom CRM fields of a lead and an account are kept, the latest value per key, and an erasure removes the lead's")
    func customFields() throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        var account = AccountFacts()
        account.name = "Acme"
        account.custom = [CustomField("Tier__c", .string("gold")), CustomField("Seats__c", .number(120))]
        let records = [
            F.record(
                "events", 0, 0,
                F.event(.identityLinked([Identifier(.email, "jane@acme.io")]), lead: Self.leadA, account: "acme.io", time: 1_000, offset: 0)
            ),
            // The later value of Budget__c is read first: the earlier one does not replace it.
            F.record(
                "events", 1, 0,
                F.event(
                    .customFields([CustomField("Budget__c", .number(90_000)), CustomField("Champion__c", .bool(true))]),
                    lead: Self.leadA, account: "acme.io", time: 3_000, offset: 1)),
            F.record(
                "events", 0, 1,
                F.event(
                    .customFields([CustomField("Budget__c", .number(50_000)), CustomField("Notes__c", .string("met at expo"))]),
                    lead: Self.leadA, account: "acme.io", time: 2_000, offset: 2)),
            F.record("events", 0, 2, F.event(.accountUpserted(account), lead: nil, account: "acme.io", time: 2_500, offset: 3)),
        ]
        #expect(try store.apply(records) == 0)
        let person = try #require(try store.lead(Self.leadA)?.person)
        #expect(
            person.customFields == ["Budget__c": .number(90_000), "Champion__c": .bool(true), "Notes__c": .string("met at expo")])
        #expect(try store.account("acme.io")?.customFields == ["Tier__c": .string("gold"), "Seats__c": .number(120)])

        // A viewer does not see a person's custom fields.
        let viewer = ReadModelServer.masked(try #require(try store.lead(Self.leadA)), for: .viewer)
        #expect(viewer.person?.customFields == nil)

        // An erasure removes them, and a field read after it is not kept.
        #expect(
            try store.apply([
                F.record("events", 0, 3, F.event(.erasure, lead: Self.leadA, account: "acme.io", time: 4_000, offset: 4)),
                F.record(
                    "events", 2, 0,
                    F.event(.customFields([CustomField("Late__c", .string("x"))]), lead: Self.leadA, account: nil, time: 1_500, offset: 5)),
            ]) == 0)
        #expect(try store.lead(Self.leadA)?.person?.customFields == nil)
    }

    @Test func appliedRecordsAnswerTheQueries() throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        #expect(try store.apply(Self.history()) == 0)

        let lead = try #require(try store.lead(Self.leadA))
        #expect(lead.decisions.map(\.decisionID) == [Self.dc1, Self.dc2])
        #expect(lead.decisions.map(\.score) == [12, 80])
        #expect(lead.currentRoute?.tier == "sales_ready" && lead.currentRoute?.queue == "ae-inbound")
        #expect(lead.decisions[1].lineage.log == LeadExplanation.Position(topic: "events", partition: 0, offset: 4))
        #expect(lead.decisions[1].lineage.source == LeadExplanation.Position(topic: "crm.events", partition: 1, offset: 104))
        #expect(lead.decisions[1].reasons.first?.text == "pricing_views = 3 raised the log-odds")
        #expect(lead.person?.firstName == "Jane" && lead.person?.crmRecord == "salesforce:00Q1")
        #expect(lead.person?.buyingRole == "decision_maker")
        #expect(lead.accountID == "acme.io")

        // Lead B exists only as a further decision of dc2.
        let b = try #require(try store.lead(Self.leadB))
        #expect(b.decisions.count == 1 && b.decisions[0].primaryLeadID == Self.leadA && b.currentRoute?.queue == "sdr-inbound")

        // Email search by identity key, whatever the spelling.
        #expect(try store.leads(emailKey: RequestValidation.emailKey("JANE+x@acme.io")).map(\.leadID) == [Self.leadA])
        #expect(try store.leads(emailKey: "nobody@acme.io").isEmpty)

        let decision = try #require(try store.decision(Self.dc2))
        #expect(decision.decisions.map(\.leadID) == [Self.leadA, Self.leadB])

        let account = try #require(try store.account("acme.io"))
        #expect(account.name == "Acme" && account.parentID == "acme-holding.com")
        // Lead B was decided by the account's event (fan-out): a contact of the account too.
        #expect(account.contacts.map(\.leadID) == [Self.leadA, Self.leadB])
        #expect(account.contacts.first?.engagementCount == 1 && account.contacts.first?.buyingRole == "decision_maker")
        #expect(account.opportunities.map(\.opportunityID) == ["opp-1"] && account.opportunities[0].contactLeadIDs == [Self.leadA])
        let parent = try #require(try store.account("acme-holding.com"), "a parent known only by reference")
        #expect(parent.subsidiaryIDs == ["acme.io"] && parent.name == nil)
        #expect(try store.account("nobody.example") == nil)

        let queue = try store.queue("ae-inbound", slaHours: 4, limit: 10)
        #expect(queue.count == 1 && queue.leads.first?.leadID == Self.leadA)
        #expect(queue.leads.first?.slaDueAt == "2024-04-02T13:00:00.000Z")
        #expect(try store.queue("ae-inbound", slaHours: nil, limit: 10).leads.first?.slaDueAt == nil)

        let dlq = try store.deadLetters(limit: 2, payloads: false)
        #expect(dlq.total == 3 && dlq.counts.map(\.errorCode) == ["malformed_json", "schema_violation"])
        #expect(dlq.recent.count == 2 && dlq.recent.allSatisfy { $0.originalBase64 == nil })
        #expect(
            try store.deadLetters(limit: 1, payloads: true).recent.first?.originalBase64 == Data("{not json".utf8).base64EncodedString())

        let stats = try store.decisionStats(hours: 24)
        #expect(stats.buckets.map(\.hour) == ["2024-04-02T08", "2024-04-02T09"])
    }

    /// A merge read before the absorbed lead's own events (they lie in another log
    /// partition, read later): the absorbed lead is still merged, leaves the queues
    /// and the account's contacts, and a search by its address finds the survivor.
    @Test(arguments: [false, true])
    func aMergeHoldsWhicheverPartitionIsReadFirst(mergeFirst: Bool) throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        let merge = F.record(
            "events", 0, 0,
            F.event(.identityMerged(absorbed: LeadID(Self.leadB)!), lead: Self.leadA, account: "acme.io", time: 9_000, offset: 9))
        let absorbed = [
            F.record(
                "events", 1, 0,
                F.event(.identityLinked([Identifier(.email, "bob@acme.io")]), lead: Self.leadB, account: nil, time: 1_000, offset: 1)),
            F.record("routing", 1, 0, F.routing(lead: Self.leadB, account: nil, emails: ["Bob@Acme.io"], time: "2024-04-02T07:00:00.000Z")),
            F.record(
                "audit", 1, 0,
                F.audit(
                    decisionID: Self.dc3, lead: Self.leadB, account: "acme.io", time: "2024-04-02T07:00:00.000Z", logOffset: 0,
                    change: "new")),
        ]
        try store.apply(mergeFirst ? [merge] + absorbed : absorbed + [merge])
        try store.apply(Self.history().filter { $0.topic == "events" })
        #expect(try store.leads(emailKey: "bob@acme.io").map(\.leadID) == [Self.leadA], "the survivor only")
        #expect(try store.account("acme.io")?.contacts.map(\.leadID) == [Self.leadA])
        #expect(
            try store.queues(slaHours: [:]).queues.allSatisfy { queue in
                (try? store.queue(queue.queue, slaHours: nil, limit: 10).leads.map(\.leadID).contains(Self.leadB)) == false
            })
    }

    @Test func offsetsAreStoredWithTheDataAndResumeAfterReopening() throws {
        let directory = F.directory()
        let records = Self.history()
        do {
            let store = try ReadModelStore(directory: directory, topics: F.topics)
            try store.apply(Array(records.prefix(6)))
        }
        let reopened = try ReadModelStore(directory: directory, topics: F.topics)
        let offsets = try reopened.appliedOffsets()
        #expect(offsets[ReadModelPartition(topic: "events", partition: 0)] == 5)
        #expect(offsets[ReadModelPartition(topic: "audit", partition: 0)] == 1)
        #expect(offsets[ReadModelPartition(topic: "dlq", partition: 1)] == nil)
        // Resuming applies the rest; a record delivered again changes nothing.
        try reopened.apply(Array(records.dropFirst(5)))
        #expect(try reopened.lead(Self.leadA)?.decisions.count == 2)
        #expect(try reopened.status().decisions == 3)
        #expect(try reopened.appliedOffsets()[ReadModelPartition(topic: "dlq", partition: 1)] == 2)
    }

    @Test func undecodableRecordsAreKeptByPositionAndPassed() throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        let skipped = try store.apply([
            F.record("audit", 2, 7, Array("not json".utf8)),
            F.record("routing", 0, 3, Array(#"{"lead_id":1}"#.utf8)),
            F.record(
                "audit", 2, 8, F.audit(decisionID: Self.dc3, lead: Self.leadB, account: nil, time: "2024-04-03T00:00:00.000Z", logOffset: 9)
            ),
        ])
        #expect(skipped == 2)
        #expect(try store.status().skippedRecords == 2)
        #expect(try store.appliedOffsets()[ReadModelPartition(topic: "audit", partition: 2)] == 9)
        #expect(try store.lead(Self.leadB)?.decisions.count == 1)
    }

    @Test func erasureRemovesPersonalData() throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        try store.apply(Self.history())
        try store.apply([F.record("events", 0, 5, F.event(.erasure, lead: Self.leadA, account: "acme.io", time: 9_000, offset: 5))])
        let person = try #require(try store.lead(Self.leadA)?.person)
        #expect(person.erased && person.firstName == nil && person.emails.isEmpty && person.crmRecord == nil)
        #expect(try store.leads(emailKey: "jane@acme.io").isEmpty)
    }

    /// An erasure read before the lead's earlier events and routing records (they
    /// lie in other partitions, read later) still leaves nothing personal behind:
    /// what arrives for an erased lead is not stored, and its address finds no one.
    @Test func anErasureReadFirstKeepsTheLeadErased() throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        try store.apply([F.record("events", 1, 0, F.event(.erasure, lead: Self.leadA, account: "acme.io", time: 9_000, offset: 5))])
        try store.apply(Self.history())
        let person = try #require(try store.lead(Self.leadA)?.person)
        #expect(person.erased && person.firstName == nil && person.emails.isEmpty && person.crmRecord == nil, "\(person)")
        #expect(try store.leads(emailKey: "jane@acme.io").isEmpty)
        #expect(try store.lead(Self.leadA)?.decisions.count == 2, "decisions stay: they hold no personal data")
    }
}

@Suite("Read model outcome KPIs")
struct ReadModelKPITests {
    typealias F = ReadModelFixtures

    /// The history plus outcomes: lead A's opportunity is won (50,000), lead B converts.
    static func historyWithOutcomes() -> [LogRecord] {
        var won = OpportunityFacts(opportunityID: "opp-1")
        won.stage = "closed_won"
        won.amount = 50_000
        won.isWon = true
        won.contacts = [LeadID(ReadModelStoreTests.leadA)!]
        return ReadModelStoreTests.history() + [
            F.record("events", 1, 0, F.event(.opportunity(won), lead: nil, account: "acme.io", time: 1_712_100_000_000, offset: 10)),
            F.record(
                "events", 1, 1,
                F.event(
                    .outcome(kind: .converted, reason: nil, opportunityID: nil), lead: ReadModelStoreTests.leadB, account: nil,
                    time: 1_712_100_100_000, offset: 11)),
        ]
    }

    /// What `leadledger kpis` computes from the same records: decisions through the
    /// analytics mapping, the ledger fed canonical events in log order.
    static func expected(_ records: [LogRecord], by: [KPIDimension]) throws -> KPIReport {
        var decisions: [DecisionObservation] = []
        var ledger = OutcomeLedger()
        var audits = 0
        for record in records.sorted(by: { ($0.topic, $0.partition, $0.offset) < ($1.topic, $1.partition, $1.offset) }) {
            if record.topic == "audit" {
                audits += 1
                decisions += try #require(DecisionObservation.observations(in: try AuditRecordView(record.value)))
            } else if record.topic == "events" {
                ledger.apply(try CanonicalEvent(bytes: record.value))
            }
        }
        decisions.sort { ($0.logPartition, $0.logOffset) < ($1.logPartition, $1.logOffset) }
        return KPIReport(decisions: decisions, ledger: ledger, auditRecords: audits, by: by)
    }

    @Test(arguments: [[KPIDimension](), [.tier, .arm], [.model]])
    func theStoreReportsWhatTheCommandComputes(by: [KPIDimension]) throws {
        let records = Self.historyWithOutcomes()
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        // Applied in two batches, the second repeating a record: nothing counts twice.
        try store.apply(Array(records.prefix(7)))
        try store.apply(Array(records.suffix(from: 6)))
        let report = try store.kpis(since: nil, until: nil, by: by)
        #expect(report == (try Self.expected(records, by: by)))
        #expect(report.groups.reduce(0) { $0 + $1.leads } == 2)
        #expect(report.groups.reduce(0) { $0 + $1.converted } == 2)
        #expect(report.groups.reduce(0) { $0 + $1.revenue } == 50_000)
        #expect(report.auditRecords == 2)
    }

    @Test("a KPI report asked for again answers the same; after a batch is applied it includes the batch")
    func kpisFollowWhatIsApplied() throws {
        let records = Self.historyWithOutcomes()
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        try store.apply(Array(records.prefix(3)))
        let early = try store.kpis(since: nil, until: nil, by: [.tier])
        #expect(try store.kpis(since: nil, until: nil, by: [.tier]) == early)
        #expect(try store.kpis(since: nil, until: nil, by: [.model]) != early)
        try store.apply(Array(records.suffix(from: 3)))
        let late = try store.kpis(since: nil, until: nil, by: [.tier])
        #expect(late != early)
        #expect(late == (try Self.expected(records, by: [.tier])))
    }

    @Test func theDefaultGroupingIsDayAndModelAndTheBytesAreSnakeCase() throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        try store.apply(Self.historyWithOutcomes())
        let report = try store.kpis(since: nil, until: nil, by: [])
        #expect(report.by == [.day, .model])
        #expect(report.groups.map(\.key) == [KPIGroupKey(day: "2024-04-02", model: "m1")])
        let text = String(decoding: try report.json(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"audit_records":2,"by":["day","model"],"groups":[{"#))
        #expect(text.contains(#""qualified_rate":0.5"#) && text.contains(#""revenue_per_qualified_lead":50000"#))
    }

    @Test func sinceAndUntilSelectLeadsByTheirFirstDecision() throws {
        let store = try ReadModelStore(directory: F.directory(), topics: F.topics)
        try store.apply(Self.historyWithOutcomes())
        let after = try store.kpis(since: EventTime.parseRFC3339("2024-04-02T08:30:00Z"), until: nil, by: [])
        // Lead A was first decided at 08:00, lead B (a further decision) at 09:00.
        #expect(after.groups.reduce(0) { $0 + $1.leads } == 1)
        #expect(after.since == "2024-04-02T08:30:00.000Z")
        let none = try store.kpis(since: nil, until: EventTime.parseRFC3339("2024-04-01T00:00:00Z"), by: [])
        #expect(none.groups.isEmpty)
    }
}
