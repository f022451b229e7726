import LeadLedgerCore

/// A lead's decision history with reasons and lineage: the one shape that
/// `leadledger explain --format json` prints and `GET /v1/leads/{lead_id}`
/// returns. Built from decoded audit records (``AuditRecordView``); the read
/// model adds what the log carries about the person, its outcome and account
/// (nil where a reader does not have them, as `explain`, which reads only the
/// audit topic).
package struct LeadExplanation: Codable, Sendable, Equatable {
    /// The lead id (`ld_…`).
    package var leadID: String
    /// The account of the latest decision.
    package var accountID: String?
    /// The route of the latest decision (nil: the lead has no decision yet).
    package var currentRoute: Route?
    /// What the log says about the person (read model only; masked for viewers).
    package var person: Person?
    /// The CRM outcome (`lead.converted`, `lead.disqualified`), when one arrived.
    package var outcome: Outcome?
    /// Every decision about the lead, in event-time order (primary before further
    /// decisions of the same event): the score history.
    package var decisions: [Decision]
    /// The model and rule-set activations in force when the decisions were taken,
    /// each with the control event behind it and the decisions it covers (nil:
    /// the reader did not look; empty: no activation covers any decision).
    package var switches: [Switch]?

    enum CodingKeys: String, CodingKey {
        case leadID = "lead_id"
        case accountID = "account_id"
        case currentRoute = "current_route"
        case person, outcome, decisions, switches
    }

    /// Where the lead is routed now.
    package struct Route: Codable, Sendable, Equatable {
        /// The audit decision id that set the route.
        package var decisionID: String
        package var tier: String
        package var queue: String
        package var ownerID: String?
        package var score: Double
        package var probability: Double
        /// RFC 3339 event time of the deciding event.
        package var eventTime: String

        enum CodingKeys: String, CodingKey {
            case decisionID = "decision_id"
            case tier, queue
            case ownerID = "owner_id"
            case score, probability
            case eventTime = "event_time"
        }

        package init(
            decisionID: String, tier: String, queue: String, ownerID: String?, score: Double, probability: Double, eventTime: String
        ) {
            self.decisionID = decisionID
            self.tier = tier
            self.queue = queue
            self.ownerID = ownerID
            self.score = score
            self.probability = probability
            self.eventTime = eventTime
        }
    }

    /// Personal data the log carries for the lead (attributes of its events).
    package struct Person: Codable, Sendable, Equatable {
        package var emails: [String]
        package var firstName: String?
        package var lastName: String?
        package var title: String?
        package var buyingRole: String?
        package var seniority: String?
        /// The CRM record (`source:id`) an override names, if the lead has one.
        package var crmRecord: String?
        /// True after a privacy erasure: the fields above are gone.
        package var erased: Bool
        /// The lead this one was merged into (the same person found twice), if any:
        /// its later events, and an override naming its CRM record, go to that lead.
        package var mergedInto: String?
        /// The lead's custom CRM fields (the `custom` object of its CRM records, the latest
        /// value of each key); absent in `explain`, which does not read the log.
        package var customFields: [String: Value]?

        enum CodingKeys: String, CodingKey {
            case customFields = "custom_fields"
            case emails
            case firstName = "first_name"
            case lastName = "last_name"
            case title
            case buyingRole = "buying_role"
            case seniority
            case crmRecord = "crm_record"
            case erased
            case mergedInto = "merged_into"
        }

        package init(
            emails: [String], firstName: String?, lastName: String?, title: String?, buyingRole: String?, seniority: String?,
            crmRecord: String?, erased: Bool, mergedInto: String? = nil
        ) {
            self.mergedInto = mergedInto
            self.emails = emails
            self.firstName = firstName
            self.lastName = lastName
            self.title = title
            self.buyingRole = buyingRole
            self.seniority = seniority
            self.crmRecord = crmRecord
            self.erased = erased
        }
    }

    /// A CRM outcome of the lead.
    package struct Outcome: Codable, Sendable, Equatable {
        /// `converted` or `disqualified`.
        package var kind: String
        package var reason: String?
        package var opportunityID: String?
        package var eventTime: String

        enum CodingKeys: String, CodingKey {
            case kind, reason
            case opportunityID = "opportunity_id"
            case eventTime = "event_time"
        }

        package init(kind: String, reason: String?, opportunityID: String?, eventTime: String) {
            self.kind = kind
            self.reason = reason
            self.opportunityID = opportunityID
            self.eventTime = eventTime
        }
    }

    /// One decision about the lead: an audit record's primary decision or one of its further decisions.
    package struct Decision: Codable, Sendable, Equatable {
        /// The audit record's decision id (one per applied log event).
        package var decisionID: String
        package var eventTime: String
        /// The applied log event's kind.
        package var eventKind: String
        /// nil for the record's primary decision; for a further decision, the record's own lead (`-`: none).
        package var primaryLeadID: String?
        package var accountID: String?
        package var tier: String
        package var score: Double
        package var probability: Double
        package var queue: String
        package var ownerID: String?
        package var routeChanged: Bool
        /// Why the route changed; nil when it did not.
        package var change: RouteChange?
        package var previous: Previous?
        /// The routing record this decision emitted.
        package var routingDecisionID: String?
        package var disqualifier: String?
        package var reasons: [Reason]
        package var lineage: Lineage
        package var modelVersion: String
        package var rulesetVersion: String
        /// The event's state hash for a primary decision, the lead's for a further one.
        package var stateHash: String

        enum CodingKeys: String, CodingKey {
            case decisionID = "decision_id"
            case eventTime = "event_time"
            case eventKind = "event_kind"
            case primaryLeadID = "primary_lead_id"
            case accountID = "account_id"
            case tier, score, probability, queue
            case ownerID = "owner_id"
            case routeChanged = "route_changed"
            case change, previous
            case routingDecisionID = "routing_decision_id"
            case disqualifier, reasons, lineage
            case modelVersion = "model_version"
            case rulesetVersion = "ruleset_version"
            case stateHash = "state_hash"
        }

        /// The decision `decision` of `record` (`primaryLeadID` nil for the record's primary decision).
        package init(_ decision: AuditRecordView.Decision, of record: AuditRecordView, primaryLeadID: String?, logTopic: String) {
            decisionID = record.decisionID
            eventTime = record.eventTime
            eventKind = record.eventKind
            self.primaryLeadID = primaryLeadID
            accountID = record.accountID
            tier = decision.tier
            score = decision.score
            probability = decision.probability
            queue = decision.queue
            ownerID = decision.ownerID
            routeChanged = decision.routeChanged
            change = decision.change
            previous = decision.previous.map { Previous(decisionID: $0.decisionID, tier: $0.tier, queue: $0.queue) }
            routingDecisionID = decision.routingDecisionID
            disqualifier = decision.disqualifier
            reasons = decision.reasons.map(Reason.init)
            let source = record.lineage.source
            lineage = Lineage(
                log: Position(topic: logTopic, partition: record.lineage.logPartition, offset: record.lineage.logOffset),
                source: Position(topic: source.topic, partition: source.partition, offset: source.offset))
            modelVersion = record.modelVersion
            rulesetVersion = record.rulesetVersion
            stateHash = primaryLeadID == nil ? record.stateHash : decision.stateHash
        }

        /// Orders decisions: event time (RFC 3339 with fixed milliseconds sorts as text),
        /// then the log position, the primary decision first.
        package static func precedes(_ a: Decision, _ b: Decision) -> Bool {
            func key(_ d: Decision) -> (String, Int32, Int64, Int) {
                (d.eventTime, d.lineage.log.partition, d.lineage.log.offset, d.primaryLeadID == nil ? 0 : 1)
            }
            return key(a) < key(b)
        }
    }

    /// The route a decision replaced.
    package struct Previous: Codable, Sendable, Equatable {
        package var decisionID: String
        package var tier: String
        package var queue: String

        enum CodingKeys: String, CodingKey {
            case decisionID = "decision_id"
            case tier, queue
        }
    }

    /// A reason: a feature's contribution, or the gate rule that set the tier.
    package struct Reason: Codable, Sendable, Equatable {
        package var feature: String
        /// The feature's value as the record has it (absent when the record leaves it out).
        package var value: Value?
        package var contribution: Double
        /// The reason in words.
        package var text: String
        /// What the reason is (``ReasonKind``: `feature`, `rule`, `disqualifier` or
        /// `reassignment`), whichever schema version the record it comes from has.
        package var kind: ReasonKind
        /// For an account signal, the path in the account graph behind it.
        package var graphPath: [RecordReason.PathStep]?

        enum CodingKeys: String, CodingKey {
            case feature, value, contribution, text, kind
            case graphPath = "graph_path"
        }

        package init(_ reason: RecordReason) {
            feature = reason.feature
            contribution = reason.contribution
            text = reason.text
            kind = reason.kind
            graphPath = reason.graphPath
            switch reason.value {
            case nil: value = nil
            case .null?: value = .null
            case .bool(let b)?: value = .bool(b)
            case .string(let s)?: value = .string(s)
            case .number(let d)?: value = .number(d)
            }
        }

        /// Decodes a reason as ``encode(to:)`` writes it; a reason kept by an earlier
        /// release (serve's read model) has no kind for a feature and `gate` for the
        /// gate rule: they read as ``ReasonKind/feature`` and the rule's kind.
        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            feature = try c.decode(String.self, forKey: .feature)
            value = try c.decodeIfPresent(Value.self, forKey: .value)
            contribution = try c.decode(Double.self, forKey: .contribution)
            text = try c.decode(String.self, forKey: .text)
            graphPath = try c.decodeIfPresent([RecordReason.PathStep].self, forKey: .graphPath)
            switch try c.decodeIfPresent(String.self, forKey: .kind) {
            case nil: kind = .feature
            case "gate"?: kind = GateRule(rawValue: feature).map { ReasonKind($0) } ?? .rule
            case let name?:
                guard let known = ReasonKind(rawValue: name) else {
                    throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown reason kind \(name)")
                }
                kind = known
            }
        }
    }

    /// A reason's value: a number, a string, a boolean or null.
    package enum Value: Codable, Sendable, Equatable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case null

        package init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let b = try? container.decode(Bool.self) {
                self = .bool(b)
            } else if let d = try? container.decode(Double.self) {
                self = .number(d)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let d): try container.encode(d)
            case .string(let s): try container.encode(s)
            case .bool(let b): try container.encode(b)
            case .null: try container.encodeNil()
            }
        }
    }

    /// Where a decision came from: the log position and the inbound message behind it.
    package struct Lineage: Codable, Sendable, Equatable {
        package var log: Position
        package var source: Position
    }

    /// A topic, partition and offset.
    package struct Position: Codable, Sendable, Equatable {
        package var topic: String
        package var partition: Int32
        package var offset: Int64

        package init(topic: String, partition: Int32, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
    }

    /// The explanation of `leadID` from its decisions (in any order): sorted, with
    /// the current route and account taken from the latest decision.
    package init(leadID: String, decisions: [Decision], person: Person? = nil, outcome: Outcome? = nil) {
        self.leadID = leadID
        self.decisions = decisions.sorted(by: Decision.precedes)
        self.person = person
        self.outcome = outcome
        let last = self.decisions.last
        accountID = last?.accountID
        currentRoute = last.map {
            Route(
                decisionID: $0.decisionID, tier: $0.tier, queue: $0.queue, ownerID: $0.ownerID, score: $0.score,
                probability: $0.probability,
                eventTime: $0.eventTime)
        }
    }

    /// Every decision of one audit record with the lead it is about: the primary
    /// decision first, then the further ones.
    package static func decisions(in record: AuditRecordView, logTopic: String) -> [(leadID: String, decision: Decision)] {
        var out: [(leadID: String, decision: Decision)] = []
        if let primary = record.decision {
            out.append((primary.leadID, Decision(primary, of: record, primaryLeadID: nil, logTopic: logTopic)))
        }
        for item in record.further {
            out.append((item.leadID, Decision(item, of: record, primaryLeadID: record.decision?.leadID ?? "-", logTopic: logTopic)))
        }
        return out
    }

    /// The decisions about `leadID` in one audit record: its primary decision and any further ones.
    package static func decisions(about leadID: String, in record: AuditRecordView, logTopic: String) -> [Decision] {
        decisions(in: record, logTopic: logTopic).filter { $0.leadID == leadID }.map(\.decision)
    }
}
