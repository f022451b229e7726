import Foundation
import LeadLedgerCore

/// A realistic, seeded B2B workload in the inbound contracts (SPEC §2): accounts
/// with parent/subsidiary hierarchies, buying centers (titles across seniorities
/// and functions), CRM leads with duplicates (case and plus-tag variants),
/// anonymous visitors who later identify, web and email behaviour with intent
/// (pricing, demo, contact, docs pages), SendGrid batches, opportunities,
/// activities, outcomes, overrides, erasure requests, and malformed messages at
/// a given rate. The same seed gives the same sequence.
///
/// **Outcomes carry signal.** Each person gets a latent propensity (log-odds of
/// converting) once, when the person is created: a fit part the engine can see (the title's
/// seniority and buying role as ``JobTitleClassifier`` reads them, the job
/// function, the account's size, industry and country, free-mail vs corporate
/// address; see ``fitLogOdds(title:employees:industry:country:freeMail:)``) plus
/// hidden noise, normal with standard deviation 1, from the generator's RNG.
/// With `q` = sigmoid(propensity), behaviour follows it:
/// - engagement volume: web, email and activity messages go to a person drawn
///   as for any message and kept with probability 0.15 + 0.85·q (else redrawn, at most
///   three times), so likely buyers produce more of them;
/// - pages: high intent (pricing, demo, contact sales, case study) with
///   probability 0.05 + 0.7·q, low intent (blog, careers) with 0.6·(1 − q),
///   else neutral (docs, home); the contact page's track event is a form
///   submission;
/// - email: opens and clicks with probability 0.1 + 0.5·q, else
///   unsubscribes and spam reports with 0.2·(1 − q), else any event;
/// - CRM activities: an email reply with probability 0.05 + 0.6·q, a positive
///   or connected outcome with probability q.
///
/// An outcome message (`crm.events`, 4 % of messages) is about a CRM lead,
/// drawn uniformly among all people (so mostly one who has had time to engage)
/// and preferring leads without an outcome yet (up to eight draws, else a person
/// drawn as for any CRM message); it is `lead.converted` with probability q,
/// `lead.disqualified` otherwise. So a model that sees fit and behaviour can
/// rank leads clearly better than chance, and no model can rank them perfectly.
/// The message mix (which topic and type each message is) and the malformed
/// rate do not depend on propensity.
package struct WorkloadGenerator: Sendable {
    /// Topic names.
    package var topics: TopicNames
    /// Fraction of messages made invalid (0...1).
    package var malformedRate: Double

    struct Account: Sendable {
        var id: String
        var name: String
        var domain: String
        var industry: String
        var employees: Int
        var revenue: Int
        var country: String
        var owner: String
        var parentDomain: String?
    }

    struct Person: Sendable {
        var first: String
        var last: String
        var title: String
        var account: Int
        var recordID: String
        var anonymousID: String
        var userID: String
        var identified = false
        var isLead = false
        var erased = false
        var email: String
        var hasOutcome = false
        /// Latent log-odds of converting: visible fit plus hidden noise.
        var propensity: Double
        /// sigmoid(propensity), the probability of `lead.converted`.
        var q: Double { 1 / (1 + exp(-propensity)) }
    }

    /// How far new people drift from the standard population (0...1; 0: the
    /// standard workload): a person created while it is above 0 has a free-mail
    /// address with probability 0.08 + 0.84 · shift instead of 0.08. The random
    /// draws are the same, so everything else about the sequence stays as it is;
    /// a drifted workload for `leadledger drift`.
    package var shift: Double = 0

    private var random: SplitMix64
    private var accounts: [Account] = []
    private var people: [Person] = []
    private var clock: Int64 = 1_793_577_600  // 2026-11-01T00:00:00Z, event time in seconds
    private var sequence = 0
    private var opportunities = 0

    /// The event time the workload has reached: it starts at 2026-11-01 and moves
    /// 1–90 s ahead per step, so long runs reach far into the future.
    package var eventTime: EventTime { EventTime(seconds: clock) }

    /// Creates a generator.
    package init(seed: UInt64, topics: TopicNames = TopicNames(), malformedRate: Double = 0.01) {
        // Offset by one SplitMix64 step (γ): the workloads of every seed stay as
        // they were when the generator had its own copy of the algorithm.
        self.random = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        self.topics = topics
        self.malformedRate = max(0, min(1, malformedRate))
    }

    static let firstNames = [
        "Dana", "Ravi", "Mei", "Jonas", "Amara", "Luis", "Sofia", "Kenji", "Priya", "Tom", "Ines", "Omar", "Hannah", "Wei", "Chloe",
        "Mateo", "Aisha", "Lars", "Nora", "Diego",
    ]
    static let lastNames = [
        "Whitfield", "Sharma", "Chen", "Berg", "Okafor", "Garcia", "Rossi", "Tanaka", "Patel", "Miller", "Dubois", "Haddad", "Schmidt",
        "Zhang", "Martin", "Lopez", "Bello", "Nilsson", "Kowalski", "Silva",
    ]
    static let companyWords = [
        "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Acme", "Hooli", "Vandelay", "Soylent",
        "Tyrell", "Cyberdyne", "Wonka", "Oceanic", "Aperture", "Massive", "Gringotts", "Pied Piper",
    ]
    static let companySuffixes = [
        "Traders", "Systems", "Labs", "Logistics", "Health", "Energy", "Analytics", "Foods", "Capital", "Robotics",
    ]
    static let industries = ["Software", "Manufacturing", "Healthcare", "Financial Services", "Retail", "Logistics", "Energy", "Education"]
    static let countries = ["US", "DE", "GB", "FR", "NL", "SE", "IN", "JP", "BR", "CA"]
    static let seniorities = ["VP of", "Director of", "Head of", "Senior Manager,", "Manager,", "", "Chief"]
    static let functions = ["Revenue Operations", "Sales", "Marketing", "Engineering", "IT", "Finance", "Procurement", "Data"]
    static let highIntentPages: [(path: String, name: String)] = [
        ("/pricing", "Pricing"), ("/demo", "Demo"), ("/contact-sales", "Contact Sales"), ("/case-studies/acme", "Case Study"),
    ]
    static let lowIntentPages: [(path: String, name: String)] = [("/blog/lead-scoring", "Blog"), ("/careers", "Careers")]
    static let neutralPages: [(path: String, name: String)] = [("/docs/getting-started", "Docs"), ("/docs/api", "API Docs"), ("/", "Home")]
    static let emailEvents = [
        "processed", "delivered", "open", "open", "click", "click", "deferred", "bounce", "unsubscribe", "spamreport", "dropped",
        "group_unsubscribe", "group_resubscribe",
    ]
    static let engagedEmailEvents = ["open", "click"]
    static let negativeEmailEvents = ["unsubscribe", "spamreport", "group_unsubscribe"]
    static let stages = ["Qualification", "Discovery", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    private mutating func chance(_ p: Double) -> Bool { Double(random.next() % 1_000_000) / 1_000_000 < p }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
    /// Standard normal (Box–Muller over two uniforms of the generator's RNG).
    private mutating func normal() -> Double {
        let u = 1 - random.unit()
        let v = random.unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// The visible part of a person's latent log-odds of converting: what a
    /// scoring model can learn from the lead's profile. Seniority and buying role
    /// as ``JobTitleClassifier`` reads the title (C-level +2.2, VP +1.8, director
    /// +1.0, manager −0.2, individual contributor −1.8, unrecognised −0.8;
    /// gatekeepers such as procurement −0.7 more), function (sales and
    /// marketing, which buy lead routing, +0.4; engineering and finance −0.3),
    /// company size (−1.4 under 20 employees, −0.7 under 50, +0.5 from 500, +0.8
    /// from 1,000), industry (software +0.4, financial services +0.3, retail
    /// −0.2, education −0.5), country (US +0.4, GB and DE +0.2, IN and BR −0.3)
    /// and a free-mail address (−2.0), around an intercept of −0.8. Seniority,
    /// buying role, size, free mail and (in the default scoring configuration)
    /// the US are features the shipped configuration sees; function, industry
    /// and the other countries only with configured targets.
    static func fitLogOdds(title: String, employees: Int, industry: String, country: String, freeMail: Bool) -> Double {
        let c = JobTitleClassifier.classify(title)
        var z = -0.8
        switch c.seniority {
        case .cLevel: z += 2.2
        case .vp: z += 1.8
        case .director: z += 1.0
        case .manager: z -= 0.2
        case .individualContributor: z -= 1.8
        case .unknown: z -= 0.8
        }
        if c.role == .gatekeeper { z -= 0.7 }
        switch c.function {
        case .sales, .marketing: z += 0.4
        case .engineering, .finance: z -= 0.3
        default: break
        }
        switch employees {
        case ..<20: z -= 1.4
        case ..<50: z -= 0.7
        case ..<500: break
        case ..<1_000: z += 0.5
        default: z += 0.8
        }
        switch industry {
        case "Software": z += 0.4
        case "Financial Services": z += 0.3
        case "Retail": z -= 0.2
        case "Education": z -= 0.5
        default: break
        }
        switch country {
        case "US": z += 0.4
        case "GB", "DE": z += 0.2
        case "IN", "BR": z -= 0.3
        default: break
        }
        if freeMail { z -= 2.0 }
        return z
    }

    private var rfc3339: String {
        let date = Date(timeIntervalSince1970: TimeInterval(clock))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String {
            let v = v ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    private mutating func newAccount() -> Int {
        let index = accounts.count
        let word = Self.companyWords[index % Self.companyWords.count]
        let suffix = Self.companySuffixes[(index / Self.companyWords.count) % Self.companySuffixes.count]
        let generation = index / (Self.companyWords.count * Self.companySuffixes.count)
        let name = "\(word) \(suffix)" + (generation > 0 ? " \(generation)" : "")
        let domain = name.lowercased().replacingOccurrences(of: " ", with: "-") + pick([".com", ".io", ".de", ".co.uk"])
        var parent: String?
        if index > 3 && chance(0.2) { parent = accounts[int(0...(index - 1))].domain }
        accounts.append(
            Account(
                id: "001-\(index)", name: name, domain: domain, industry: pick(Self.industries),
                employees: pick([12, 45, 180, 850, 2_400, 12_000, 60_000]),
                revenue: pick([1, 5, 20, 120, 900, 4_000]) * 1_000_000, country: pick(Self.countries), owner: "rep-\(int(1...12))",
                parentDomain: parent
            ))
        return index
    }

    private mutating func newPerson() -> Int {
        let account = accounts.isEmpty || chance(0.15) ? newAccount() : int(0...(accounts.count - 1))
        let index = people.count
        let first = pick(Self.firstNames)
        let last = pick(Self.lastNames)
        let seniority = pick(Self.seniorities)
        let function = pick(Self.functions)
        let title =
            seniority == "Chief" ? "Chief \(function) Officer" : seniority.isEmpty ? "\(function) Specialist" : "\(seniority) \(function)"
        let freeMail = chance(0.08 + 0.84 * max(0, min(1, shift)))
        let domain = freeMail ? pick(["gmail.com", "outlook.com", "yahoo.com"]) : accounts[account].domain
        let email = "\(first.lowercased()).\(last.lowercased())\(index)@\(domain)"
        let anonymousID = "anon-\(String(random.next() % 0xffff_ffff, radix: 16))"
        let a = accounts[account]
        let propensity =
            Self.fitLogOdds(title: title, employees: a.employees, industry: a.industry, country: a.country, freeMail: freeMail) + normal()
        people.append(
            Person(
                first: first, last: last, title: title, account: account, recordID: "00Q\(100_000 + index)", anonymousID: anonymousID,
                userID: "u-\(10_000 + index)", email: email, propensity: propensity))
        return index
    }

    /// The person a message is about: sometimes a new one, else an existing one,
    /// favouring recent people (realistic bursts of activity). For engagement
    /// (`engaged`), an existing person is kept with probability 0.15 + 0.85·q and
    /// otherwise redrawn, at most three times: likely buyers engage more.
    private mutating func someone(engaged: Bool = false) -> Int {
        if people.count < 8 || chance(0.12) { return newPerson() }
        let recent = max(0, people.count - 200)
        var index = 0
        for attempt in 0..<4 {
            index = chance(0.7) ? int(recent...(people.count - 1)) : int(0...(people.count - 1))
            if !engaged || attempt == 3 || chance(0.15 + 0.85 * people[index].q) { break }
        }
        return index
    }

    /// The person an outcome is about: sales converts or disqualifies leads it has
    /// had in the CRM for a while, so a lead drawn uniformly from all people (older
    /// ones have had more time to engage), up to eight draws; else ``someone()``.
    private mutating func leadForOutcome() -> Int {
        if !people.isEmpty {
            for _ in 0..<8 {
                let index = int(0...(people.count - 1))
                if people[index].isLead && !people[index].hasOutcome { return index }
            }
        }
        return someone()
    }

    /// A page for a person with conversion probability `q`: high intent with
    /// probability 0.05 + 0.7·q, low intent with 0.6·(1 − q), else neutral.
    private mutating func intentPage(q: Double) -> (path: String, name: String) {
        let u = random.unit()
        if u < 0.05 + 0.7 * q { return pick(Self.highIntentPages) }
        if u < 0.05 + 0.7 * q + 0.6 * (1 - q) { return pick(Self.lowIntentPages) }
        return pick(Self.neutralPages)
    }

    /// A SendGrid event for a person with conversion probability `q`.
    private mutating func emailEvent(q: Double) -> String {
        if chance(0.1 + 0.5 * q) { return pick(Self.engagedEmailEvents) }
        if chance(0.2 * (1 - q)) { return pick(Self.negativeEmailEvents) }
        return pick(Self.emailEvents)
    }

    /// The next message.
    package mutating func next() -> GeneratedMessage {
        sequence += 1
        clock += Int64(int(1...90))
        var message = nextValid()
        if chance(malformedRate) {
            message.value = malform(message.value)
            message.malformed = true
        }
        return message
    }

    private mutating func malform(_ bytes: [UInt8]) -> [UInt8] {
        switch int(0...3) {
        case 0: return Array(bytes.prefix(max(1, bytes.count / 2)))  // truncated JSON
        case 1: return Array("not json at all #\(sequence)".utf8)
        // No identity, bad time.
        case 2: return Array("{\"type\":\"track\",\"messageId\":\"m\(sequence)\",\"timestamp\":\"yesterday\"}".utf8)
        default: return Array("[]".utf8)  // an empty batch / wrong shape
        }
    }

    private mutating func nextValid() -> GeneratedMessage {
        let roll = int(0...99)
        // Web (18..<46), email (46..<72) and activities (76..<84) follow engagement.
        let p = (84..<88).contains(roll) ? leadForOutcome() : someone(engaged: (18..<72).contains(roll) || (76..<84).contains(roll))
        switch roll {
        case 0..<14: return crmLead(p)
        case 14..<18: return crmAccount(people[p].account)
        case 18..<46: return web(p)
        case 46..<72: return email(p)
        case 72..<76: return crmOpportunity(p)
        case 76..<84: return crmActivity(p)
        case 84..<88: return crmOutcome(p)
        case 88..<90: return crmOverride(p)
        case 90..<91: return crmErasure(p)
        default: return webGroup(p)
        }
    }

    private func json(_ object: [(String, Any?)]) -> String {
        var parts: [String] = []
        for (key, value) in object {
            guard let value else { continue }
            parts.append("\(Self.quote(key)):\(Self.encode(value))")
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    static func encode(_ value: Any) -> String {
        switch value {
        case let s as String: return quote(s)
        case let i as Int: return String(i)
        case let i as Int64: return String(i)
        case let b as Bool: return b ? "true" : "false"
        case let d as Double: return String(format: "%.2f", d)
        case let a as [Any]: return "[" + a.map(encode).joined(separator: ",") + "]"
        case let raw as RawJSON: return raw.text
        default: return "null"
        }
    }

    struct RawJSON { var text: String }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private func crm(_ type: String, recordID: String, payloadKey: String?, payload: String?, extra: [(String, Any?)] = [])
        -> GeneratedMessage
    {
        var fields: [(String, Any?)] = [
            ("event_id", "crm-\(sequence)"), ("type", type), ("occurred_at", rfc3339),
            ("source", sequence % 5 == 0 ? "hubspot" : "salesforce"), ("record_id", recordID),
        ]
        if let payloadKey, let payload { fields.append((payloadKey, RawJSON(text: payload))) }
        fields += extra
        return GeneratedMessage(topic: topics.crm, key: recordID, value: Array(json(fields).utf8), malformed: false)
    }

    private mutating func crmLead(_ p: Int) -> GeneratedMessage {
        var person = people[p]
        let account = accounts[person.account]
        if person.isLead && chance(0.5) {
            let update = json([("title", person.title), ("phone", "+1 415 555 \(int(1000...9999))"), ("annual_revenue", account.revenue)])
            return crm(chance(0.5) ? "lead.updated" : "contact.updated", recordID: person.recordID, payloadKey: "lead", payload: update)
        }
        var email = person.email
        var recordID = person.recordID
        if person.isLead {
            // A CRM duplicate: same person, another record, varied case and a plus tag.
            let parts = email.split(separator: "@")
            email = parts[0].capitalized + "+\(pick(["webinar", "event", "ebook"]))@" + parts[1].uppercased()
            recordID = "00Q\(900_000 + sequence)"
        }
        person.isLead = true
        people[p] = person
        let lead = json([
            ("email", email), ("first_name", person.first), ("last_name", person.last), ("title", person.title),
            ("phone", "+1 (415) 555-\(int(1000...9999))"),
            ("company", account.name + pick(["", ", Inc.", " GmbH", " Ltd"])), ("website", "https://www.\(account.domain)/"),
            ("country", account.country),
            ("employees", account.employees), ("annual_revenue", account.revenue), ("industry", account.industry),
            ("lead_source", pick(["webinar", "organic", "paid", "partner", "event"])),
        ])
        return crm(chance(0.8) ? "lead.created" : "contact.created", recordID: recordID, payloadKey: "lead", payload: lead)
    }

    private mutating func crmAccount(_ a: Int) -> GeneratedMessage {
        let account = accounts[a]
        let payload = json([
            ("account_id", account.id), ("name", account.name), ("domain", account.domain), ("industry", account.industry),
            ("employees", account.employees),
            ("annual_revenue", account.revenue), ("country", account.country), ("owner_id", account.owner),
            ("parent_domain", account.parentDomain),
        ])
        return crm("account.upserted", recordID: account.id, payloadKey: "account", payload: payload)
    }

    private mutating func crmOpportunity(_ p: Int) -> GeneratedMessage {
        let person = people[p]
        let account = accounts[person.account]
        opportunities += 1
        let stage = pick(Self.stages)
        let payload = json([
            ("opportunity_id", "006-\(opportunities)"), ("account_domain", account.domain), ("stage", stage),
            ("amount", int(5...400) * 1000),
            ("close_date", "2027-0\(int(1...9))-15"), ("is_closed", stage.hasPrefix("Closed")), ("is_won", stage == "Closed Won"),
            ("contact_emails", [person.email] as [Any]),
        ])
        return crm(
            chance(0.6) ? "opportunity.created" : "opportunity.stage_changed", recordID: "006-\(opportunities)", payloadKey: "opportunity",
            payload: payload)
    }

    private mutating func crmActivity(_ p: Int) -> GeneratedMessage {
        let q = people[p].q
        let kind = chance(0.05 + 0.6 * q) ? "email_reply" : pick(["call", "meeting", "note"])
        let outcome = chance(q) ? pick(["connected", "positive"]) : pick(["left_voicemail", "not_interested"])
        let payload = json([("kind", kind), ("email", people[p].email), ("outcome", outcome)])
        return crm("activity.logged", recordID: "00T-\(sequence)", payloadKey: "activity", payload: payload)
    }

    private mutating func crmOutcome(_ p: Int) -> GeneratedMessage {
        people[p].hasOutcome = true
        let person = people[p]
        if chance(person.q) {
            return crm(
                "lead.converted", recordID: person.recordID, payloadKey: nil, payload: nil,
                extra: [("email", person.email), ("opportunity_id", opportunities > 0 ? "006-\(opportunities)" : nil)])
        }
        return crm(
            "lead.disqualified", recordID: person.recordID, payloadKey: nil, payload: nil,
            extra: [("email", person.email), ("reason", pick(["no_budget", "competitor", "student", "bad_fit"]))])
    }

    private mutating func crmOverride(_ p: Int) -> GeneratedMessage {
        let person = people[p]
        if chance(0.7) {
            let payload = json([
                ("tier", pick(["sales_ready", "review", "nurture"])), ("queue", pick(["enterprise-ae", "smb-sdr", "review"])),
                ("owner_id", "rep-\(int(1...12))"), ("set_by", "manager-\(int(1...3))"), ("note", "pinned after call"),
            ])
            return crm("override.set", recordID: person.recordID, payloadKey: "override", payload: payload)
        }
        return crm("override.cleared", recordID: person.recordID, payloadKey: nil, payload: nil)
    }

    private mutating func crmErasure(_ p: Int) -> GeneratedMessage {
        people[p].erased = true
        return crm("privacy.erasure", recordID: people[p].recordID, payloadKey: nil, payload: nil, extra: [("email", people[p].email)])
    }

    private mutating func web(_ p: Int) -> GeneratedMessage {
        var person = people[p]
        let page = intentPage(q: person.q)
        let context = json([
            (
                "page",
                RawJSON(
                    text: json([
                        ("path", page.path), ("url", "https://leadledger.example\(page.path)"),
                        ("referrer", pick(["https://www.google.com/", "https://www.linkedin.com/", ""])),
                    ]))
            ),
            ("ip", "203.0.113.\(int(1...254))"), ("userAgent", "Mozilla/5.0 (X11; Linux x86_64)"),
            (
                "campaign",
                chance(0.3)
                    ? RawJSON(
                        text: json([("name", "q4-\(pick(["abm", "webinar", "retargeting"]))"), ("source", pick(["linkedin", "google"]))]))
                    : nil
            ),
        ])
        let identifyNow = !person.identified && chance(0.35)
        if identifyNow {
            person.identified = true
            people[p] = person
            let traits = json([("email", person.email), ("name", "\(person.first) \(person.last)"), ("title", person.title)])
            let value = json([
                ("type", "identify"), ("messageId", "web-\(sequence)"), ("anonymousId", person.anonymousID), ("userId", person.userID),
                ("traits", RawJSON(text: traits)), ("context", RawJSON(text: context)), ("timestamp", rfc3339),
            ])
            return GeneratedMessage(topic: topics.web, key: person.anonymousID, value: Array(value.utf8), malformed: false)
        }
        let userID: String? = person.identified ? person.userID : nil
        let key = userID ?? person.anonymousID
        if chance(0.6) {
            let properties = json([("path", page.path), ("url", "https://leadledger.example\(page.path)"), ("title", page.name)])
            let value = json([
                ("type", "page"), ("messageId", "web-\(sequence)"), ("anonymousId", person.anonymousID), ("userId", userID),
                ("name", page.name), ("properties", RawJSON(text: properties)), ("context", RawJSON(text: context)), ("timestamp", rfc3339),
            ])
            return GeneratedMessage(topic: topics.web, key: key, value: Array(value.utf8), malformed: false)
        }
        let event =
            page.path == "/demo"
            ? "Demo Requested"
            : page.path == "/contact-sales"
                ? "Contact Form Submitted"
                : pick(["Signed Up", "Docs Searched", "Pricing Calculator Used", "Webinar Registered", "Whitepaper Downloaded"])
        let value = json([
            ("type", "track"), ("messageId", "web-\(sequence)"), ("anonymousId", person.anonymousID), ("userId", userID), ("event", event),
            ("properties", RawJSON(text: json([("plan", pick(["starter", "growth", "enterprise"]))]))), ("context", RawJSON(text: context)),
            ("timestamp", rfc3339),
        ])
        return GeneratedMessage(topic: topics.web, key: key, value: Array(value.utf8), malformed: false)
    }

    private mutating func webGroup(_ p: Int) -> GeneratedMessage {
        var person = people[p]
        person.identified = true
        people[p] = person
        let account = accounts[person.account]
        let traits = json([
            ("name", account.name), (chance(0.5) ? "website" : "domain", chance(0.5) ? "https://\(account.domain)" : account.domain),
            ("employees", account.employees), ("industry", account.industry),
        ])
        let value = json([
            ("type", "group"), ("messageId", "web-\(sequence)"), ("anonymousId", person.anonymousID), ("userId", person.userID),
            ("groupId", "grp-\(person.account)"), ("traits", RawJSON(text: traits)), ("timestamp", rfc3339),
        ])
        return GeneratedMessage(topic: topics.web, key: person.userID, value: Array(value.utf8), malformed: false)
    }

    private mutating func sendgrid(_ person: Person, event: String, offset: Int64) -> String {
        let page = intentPage(q: person.q)
        return json([
            ("email", person.email), ("timestamp", clock + offset), ("event", event), ("sg_event_id", "sg-ev-\(sequence)-\(offset)"),
            ("sg_message_id", "sg-msg-\(sequence / 3).filter\(int(1...9))"),
            ("url", event == "click" ? "https://leadledger.example\(page.path)" : nil),
            ("category", chance(0.5) ? "nurture" as Any : ["nurture", pick(["product-update", "webinar", "case-study"])] as [Any]),
            ("reason", event == "bounce" ? "550 5.1.1 mailbox unavailable" : nil), ("type", event == "bounce" ? "bounce" : nil),
            ("campaign_id", "cmp-\(int(1...30))"),
        ])
    }

    private mutating func email(_ p: Int) -> GeneratedMessage {
        let person = people[p]
        if chance(0.25) {
            // The webhook's batch form: several events in one JSON array.
            var items: [String] = []
            for i in 0..<int(2...5) { items.append(sendgrid(person, event: emailEvent(q: person.q), offset: Int64(i))) }
            return GeneratedMessage(
                topic: topics.email, key: person.email, value: Array(("[" + items.joined(separator: ",") + "]").utf8), malformed: false)
        }
        return GeneratedMessage(
            topic: topics.email, key: person.email, value: Array(sendgrid(person, event: emailEvent(q: person.q), offset: 0).utf8),
            malformed: false)
    }
}
