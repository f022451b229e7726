import LeadLedgerDecisions

/// The JSON bodies of the read model's API (docs/openapi.yaml), besides the
/// shared ``LeadExplanation``. Keys are snake_case as in every LeadLedger record.
package enum APIResponse {
    /// `/health/live` and `/health/ready`: `live`, `ready` or `not_ready` with the reason.
    package struct Health: Codable, Sendable, Equatable {
        package var status: String
        package var reason: String?
    }

    /// `GET /v1/leads?email=…`.
    package struct LeadSearch: Codable, Sendable, Equatable {
        package var leads: [LeadExplanation]
    }

    /// `GET /v1/decisions/{decision_id}`: every lead decision one audit record made.
    package struct DecisionRecord: Codable, Sendable, Equatable {
        package struct Item: Codable, Sendable, Equatable {
            package var leadID: String
            package var decision: LeadExplanation.Decision

            enum CodingKeys: String, CodingKey {
                case leadID = "lead_id"
                case decision
            }
        }

        package var decisionID: String
        package var decisions: [Item]

        enum CodingKeys: String, CodingKey {
            case decisionID = "decision_id"
            case decisions
        }
    }

    /// `GET /v1/accounts/{account_id}`.
    package struct Account: Codable, Sendable, Equatable {
        package struct Contact: Codable, Sendable, Equatable {
            package var leadID: String
            package var email: String?
            package var firstName: String?
            package var lastName: String?
            package var title: String?
            package var buyingRole: String?
            package var seniority: String?
            /// Active engagements (page views, clicks, replies, meetings, …) the log carries.
            package var engagementCount: Int
            package var lastEngagementTime: String?
            package var tier: String?
            package var score: Double?
            package var outcome: String?

            enum CodingKeys: String, CodingKey {
                case leadID = "lead_id"
                case email
                case firstName = "first_name"
                case lastName = "last_name"
                case title
                case buyingRole = "buying_role"
                case seniority
                case engagementCount = "engagement_count"
                case lastEngagementTime = "last_engagement_time"
                case tier, score, outcome
            }
        }

        package struct Opportunity: Codable, Sendable, Equatable {
            package var opportunityID: String
            package var stage: String?
            package var amount: Double?
            package var closeDate: String?
            package var isClosed: Bool?
            package var isWon: Bool?
            package var contactLeadIDs: [String]

            enum CodingKeys: String, CodingKey {
                case opportunityID = "opportunity_id"
                case stage, amount
                case closeDate = "close_date"
                case isClosed = "is_closed"
                case isWon = "is_won"
                case contactLeadIDs = "contact_lead_ids"
            }
        }

        /// An account signal behind a contact's latest decision that used it, with the
        /// path in the account graph that carries it.
        package struct Signal: Codable, Sendable, Equatable {
            package var feature: String
            package var value: Double?
            package var contribution: Double
            package var text: String
            package var leadID: String
            package var decisionID: String
            package var eventTime: String
            package var graphPath: [RecordReason.PathStep]

            enum CodingKeys: String, CodingKey {
                case feature, value, contribution, text
                case leadID = "lead_id"
                case decisionID = "decision_id"
                case eventTime = "event_time"
                case graphPath = "graph_path"
            }
        }

        /// An account like this one: same industry, between half and twice the employees.
        package struct SimilarAccount: Codable, Sendable, Equatable {
            package var accountID: String
            package var name: String?
            package var industry: String
            package var employees: Int
            package var country: String?

            enum CodingKeys: String, CodingKey {
                case accountID = "account_id"
                case name, industry, employees, country
            }
        }

        package var accountID: String
        package var name: String?
        package var domain: String?
        package var industry: String?
        package var employees: Int?
        package var annualRevenue: Double?
        package var country: String?
        package var ownerID: String?
        package var parentID: String?
        package var subsidiaryIDs: [String]
        package var contacts: [Contact]
        package var opportunities: [Opportunity]
        /// The account's custom CRM fields (`custom`), the latest value of each key.
        package var customFields: [String: LeadExplanation.Value]
        /// One entry per account signal (feature), from the contacts' latest decisions.
        package var signals: [Signal]
        package var similarAccounts: [SimilarAccount]
        /// What the API cannot serve because no topic carries it (empty today).
        package var notAvailable: [String]

        enum CodingKeys: String, CodingKey {
            case accountID = "account_id"
            case name, domain, industry, employees
            case annualRevenue = "annual_revenue"
            case country
            case ownerID = "owner_id"
            case parentID = "parent_id"
            case subsidiaryIDs = "subsidiary_ids"
            case contacts, opportunities, signals
            case customFields = "custom_fields"
            case similarAccounts = "similar_accounts"
            case notAvailable = "not_available"
        }
    }

    /// `GET /v1/queues/{queue}`: the open leads routed to a queue.
    package struct Queue: Codable, Sendable, Equatable {
        package struct Item: Codable, Sendable, Equatable {
            package var leadID: String
            package var accountID: String?
            package var email: String?
            package var tier: String
            package var ownerID: String?
            package var score: Double
            /// Event time of the decision that routed the lead here.
            package var routedAt: String
            /// routed_at + the queue's SLA (nil: the queue has none).
            package var slaDueAt: String?
            package var decisionID: String

            enum CodingKeys: String, CodingKey {
                case leadID = "lead_id"
                case accountID = "account_id"
                case email, tier
                case ownerID = "owner_id"
                case score
                case routedAt = "routed_at"
                case slaDueAt = "sla_due_at"
                case decisionID = "decision_id"
            }
        }

        package var queue: String
        package var slaHours: Double?
        package var count: Int
        package var leads: [Item]

        enum CodingKeys: String, CodingKey {
            case queue
            case slaHours = "sla_hours"
            case count, leads
        }
    }

    /// `GET /v1/queues`: open leads per queue.
    package struct QueueList: Codable, Sendable, Equatable {
        package struct Item: Codable, Sendable, Equatable {
            package var queue: String
            package var count: Int
            package var slaHours: Double?

            enum CodingKeys: String, CodingKey {
                case queue, count
                case slaHours = "sla_hours"
            }
        }

        package var queues: [Item]
    }

    /// `GET /v1/dlq`.
    package struct DeadLetters: Codable, Sendable, Equatable {
        package struct Count: Codable, Sendable, Equatable {
            package var errorCode: String
            package var count: Int

            enum CodingKeys: String, CodingKey {
                case errorCode = "error_code"
                case count
            }
        }

        package struct Reject: Codable, Sendable, Equatable {
            package var position: LeadExplanation.Position
            package var source: LeadExplanation.Position
            package var errorCode: String
            package var field: String?
            package var reason: String
            package var stage: String
            /// The original bytes (base64; a prefix when the original was too large): operator and admin only.
            package var originalBase64: String?
            package var originalSize: Int?

            enum CodingKeys: String, CodingKey {
                case position, source
                case errorCode = "error_code"
                case field, reason, stage
                case originalBase64 = "original_base64"
                case originalSize = "original_size"
            }
        }

        package var total: Int
        package var counts: [Count]
        package var recent: [Reject]
    }

    /// `GET /v1/stats/decisions`: decisions per hour of event time and tier.
    package struct DecisionStats: Codable, Sendable, Equatable {
        package struct Bucket: Codable, Sendable, Equatable {
            /// `YYYY-MM-DDTHH` of event time (UTC).
            package var hour: String
            package var tier: String
            package var count: Int
        }

        package var buckets: [Bucket]
    }

    /// `GET /v1/status`: how far the read model has applied its topics.
    package struct Status: Codable, Sendable, Equatable {
        package struct Partition: Codable, Sendable, Equatable {
            package var topic: String
            package var partition: Int32
            package var nextOffset: Int64

            enum CodingKeys: String, CodingKey {
                case topic, partition
                case nextOffset = "next_offset"
            }
        }

        package var leads: Int
        package var decisions: Int
        package var skippedRecords: Int
        package var partitions: [Partition]

        enum CodingKeys: String, CodingKey {
            case leads, decisions
            case skippedRecords = "skipped_records"
            case partitions
        }
    }

    /// `POST /v1/overrides`: the CRM event that was produced.
    package struct OverrideAccepted: Codable, Sendable, Equatable {
        package var eventID: String
        package var type: String
        package var leadID: String
        package var setBy: String?
        package var topic: String
        /// Where the event was written (nil when a retry was answered from the log).
        package var partition: Int32?
        package var offset: Int64?
        /// True when the request repeated an earlier one (same Idempotency-Key): nothing was produced.
        package var replayed: Bool

        enum CodingKeys: String, CodingKey {
            case eventID = "event_id"
            case type
            case leadID = "lead_id"
            case setBy = "set_by"
            case topic, partition, offset, replayed
        }
    }

    /// Every error: a stable machine-readable code and a message.
    package struct Error: Codable, Sendable, Equatable {
        package var error: String
        package var message: String
    }
}
