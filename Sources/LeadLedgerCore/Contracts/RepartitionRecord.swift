/// What the validate stage forwards to the identity stage over the repartition
/// topic: the typed form of one validated message (the events its decoder made
/// of it, or a control event) and the source position it was read at, so the
/// identity stage resolves it without parsing JSON again.
///
/// The binary form (``encoded``, read back by ``init(bytes:)``), written with
/// ``SnapshotWriter`` (varints LEB128, signed values zig-zag, doubles as their
/// IEEE-754 bit pattern, strings length-prefixed UTF-8):
///
/// - byte 0: ``magic`` (`0xFA`, a byte no UTF-8 text and so no JSON message
///   starts with: records of the previous format hold the inbound JSON), byte 1:
///   ``version``;
/// - source topic, partition (zig-zag), offset (zig-zag), `offset - coversFrom`
///   (zig-zag, wrapping);
/// - the payload kind (0 control, 1 `crm.events`, 2 `web.events`, 3 `email.events`),
///   then the control event, or the number of events and each event's fields: each
///   struct starts with a bit mask of the optional fields present, followed by the
///   present ones in declaration order.
///
/// Reading is bounds-checked throughout (counts are checked against the bytes
/// left before anything is allocated) and throws on anything it did not write.
package struct RepartitionRecord: Sendable, Equatable {
    /// What the record carries.
    package enum Payload: Sendable, Equatable {
        /// A validated inbound message: its contract and the events decoded from it
        /// (several for a SendGrid batch).
        case inbound(InboundTopic, [InboundEvent])
        /// A validated `leadledger.control` event.
        case control(ControlEvent)
    }

    /// Where the validate stage read the message.
    package var source: SourcePosition
    /// The first source offset the record accounts for (see the identity stage's coverage).
    package var coversFrom: Int64
    package var payload: Payload

    /// The first byte of the binary form.
    package static let magic: UInt8 = 0xFA
    /// The format version, the second byte.
    package static let version: UInt8 = 1

    /// Creates a record.
    package init(source: SourcePosition, coversFrom: Int64, payload: Payload) {
        self.source = source
        self.coversFrom = coversFrom
        self.payload = payload
    }

    /// Whether `bytes` are in the binary form (of any version), not a message of the previous format.
    package static func isBinary(_ bytes: [UInt8]) -> Bool { bytes.first == magic }

    /// The binary form.
    package var encoded: [UInt8] {
        var w = SnapshotWriter(capacity: 256)
        w.u8(Self.magic)
        w.u8(Self.version)
        w.string(source.topic)
        w.zigzag(Int64(source.partition))
        w.zigzag(source.offset)
        w.zigzag(source.offset &- coversFrom)
        switch payload {
        case .control(let event):
            w.u8(0)
            Self.write(event, &w)
        case .inbound(let topic, let events):
            w.u8(topic.snapshotOrdinal + 1)
            w.varint(events.count)
            for event in events {
                switch event {
                case .crm(let e): Self.write(e, &w)
                case .web(let e): Self.write(e, &w)
                case .email(let e): Self.write(e, &w)
                }
            }
        }
        return w.take()
    }

    /// Reads the binary form.
    /// - Throws: `schema_violation` naming what could not be read: another first
    ///   byte, an unknown version, bytes that end early or hold values the encoder
    ///   does not write, trailing bytes.
    package init(bytes: [UInt8]) throws(ContractError) {
        guard bytes.count >= 2, bytes[0] == Self.magic else {
            throw ContractError(
                .schemaViolation, "repartition record: not the binary form (first byte \(bytes.first.map { String($0) } ?? "none"))")
        }
        guard bytes[1] == Self.version else {
            throw ContractError(.schemaViolation, "repartition record: format version \(bytes[1]), this build reads \(Self.version)")
        }
        var r = SnapshotReader(bytes, from: 2, to: bytes.count)
        do throws(SnapshotError) {
            let topic = try r.string("source topic")
            guard let partition = Int32(exactly: try r.zigzag("source partition")) else { throw r.fail("source partition", "out of range") }
            let offset = try r.zigzag("source offset")
            let coversFrom = offset &- (try r.zigzag("covers-from distance"))
            let kind = try r.u8("payload kind")
            let payload: Payload
            if kind == 0 {
                payload = .control(try Self.readControl(&r))
            } else {
                let contracts = InboundTopic.allCases
                guard Int(kind) <= contracts.count else { throw r.fail("payload kind", "kind \(kind)") }
                let contract = contracts[contracts.index(contracts.startIndex, offsetBy: Int(kind) - 1)]
                let n = try r.count("events", minBytes: 4)
                var events: [InboundEvent] = []
                events.reserveCapacity(n)
                for _ in 0..<n {
                    switch contract {
                    case .crm: events.append(.crm(try Self.readCRM(&r)))
                    case .web: events.append(.web(try Self.readSegment(&r)))
                    case .email: events.append(.email(try Self.readSendGrid(&r)))
                    }
                }
                payload = .inbound(contract, events)
            }
            try r.finish()
            self.init(source: SourcePosition(topic: topic, partition: partition, offset: offset), coversFrom: coversFrom, payload: payload)
        } catch {
            throw ContractError(.schemaViolation, "repartition record of \(bytes.count) bytes unreadable: \(error.context)")
        }
    }
}

// MARK: - Optional fields

/// Writes the optional fields of one struct straight into the writer, each
/// present value in call order, then puts the presence mask in front of them
/// (``finish(_:)``): one pass, no per-field allocation on the validate stage's path.
private struct OptionalFields {
    /// Where the mask goes.
    let start: Int
    var mask: UInt64 = 0
    var bit: UInt64 = 1

    init(_ w: inout SnapshotWriter) { start = w.count }

    mutating func add<T>(_ value: T?, _ w: inout SnapshotWriter, _ write: (inout SnapshotWriter, T) -> Void) {
        if let value {
            mask |= bit
            write(&w, value)
        }
        bit <<= 1
    }

    mutating func string(_ value: String?, _ w: inout SnapshotWriter) { add(value, &w) { $0.string($1) } }
    mutating func int(_ value: Int?, _ w: inout SnapshotWriter) { add(value, &w) { $0.zigzag(Int64($1)) } }
    mutating func double(_ value: Double?, _ w: inout SnapshotWriter) { add(value, &w) { $0.f64($1) } }
    mutating func bool(_ value: Bool?, _ w: inout SnapshotWriter) { add(value, &w) { $0.bool($1) } }

    func finish(_ w: inout SnapshotWriter) { w.insertVarint(mask, at: start) }
}

/// Reads what ``OptionalFields`` wrote, field by field in the same order.
private struct PresentFields {
    let mask: UInt64
    var bit: UInt64 = 1

    /// Reads the mask of a struct with `count` optional fields.
    init(_ r: inout SnapshotReader, count: Int, _ what: String) throws(SnapshotError) {
        mask = try r.varint(what)
        guard mask >> UInt64(count) == 0 else { throw r.fail(what, "presence mask \(mask) names more than \(count) fields") }
    }

    mutating func next() -> Bool {
        defer { bit <<= 1 }
        return mask & bit != 0
    }

    mutating func string(_ r: inout SnapshotReader, _ what: String) throws(SnapshotError) -> String? {
        next() ? try r.string(what) : nil
    }
    mutating func int(_ r: inout SnapshotReader, _ what: String) throws(SnapshotError) -> Int? {
        next() ? try r.int(what) : nil
    }
    mutating func double(_ r: inout SnapshotReader, _ what: String) throws(SnapshotError) -> Double? {
        next() ? try r.f64(what) : nil
    }
    mutating func bool(_ r: inout SnapshotReader, _ what: String) throws(SnapshotError) -> Bool? {
        next() ? try r.bool(what) : nil
    }
}

// MARK: - Events

extension RepartitionRecord {
    fileprivate static func write(_ e: ControlEvent, _ w: inout SnapshotWriter) {
        w.string(e.eventID)
        w.u8(e.kind.snapshotOrdinal)
        w.optString(e.version)
        w.string(e.actor)
        w.string(e.reason)
        w.time(e.occurredAt.milliseconds)
    }

    fileprivate static func readControl(_ r: inout SnapshotReader) throws(SnapshotError) -> ControlEvent {
        ControlEvent(
            eventID: try r.string("control event_id"), kind: try r.enumCase("control type", ControlEvent.Kind.self),
            version: try r.optString("control version"), actor: try r.string("control actor"), reason: try r.string("control reason"),
            occurredAt: EventTime(milliseconds: try r.time("control occurred_at")))
    }

    fileprivate static func write(_ e: CRMEvent, _ w: inout SnapshotWriter) {
        w.string(e.eventID)
        w.u8(e.type.snapshotOrdinal)
        w.time(e.occurredAt.milliseconds)
        w.string(e.source)
        w.optString(e.recordID)
        switch e.payload {
        case .person(let p):
            w.u8(0)
            var o = OptionalFields(&w)
            o.string(p.email, &w)
            o.string(p.firstName, &w)
            o.string(p.lastName, &w)
            o.string(p.title, &w)
            o.string(p.phone, &w)
            o.string(p.company, &w)
            o.string(p.website, &w)
            o.string(p.country, &w)
            o.string(p.state, &w)
            o.int(p.employees, &w)
            o.double(p.annualRevenue, &w)
            o.string(p.industry, &w)
            o.string(p.leadSource, &w)
            o.finish(&w)
            write(p.custom, &w)
        case .account(let a):
            w.u8(1)
            w.string(a.accountID)
            var o = OptionalFields(&w)
            o.string(a.name, &w)
            o.string(a.domain, &w)
            o.string(a.industry, &w)
            o.int(a.employees, &w)
            o.double(a.annualRevenue, &w)
            o.string(a.country, &w)
            o.string(a.ownerID, &w)
            o.string(a.parentDomain, &w)
            o.finish(&w)
            write(a.custom, &w)
        case .opportunity(let p):
            w.u8(2)
            w.string(p.opportunityID)
            var o = OptionalFields(&w)
            o.string(p.accountDomain, &w)
            o.string(p.stage, &w)
            o.double(p.amount, &w)
            o.string(p.closeDate, &w)
            o.bool(p.isClosed, &w)
            o.bool(p.isWon, &w)
            o.finish(&w)
            w.strings(p.contactEmails)
        case .activity(let a):
            w.u8(3)
            w.u8(a.kind.snapshotOrdinal)
            w.string(a.email)
            w.optString(a.outcome)
        case .outcome(let reason, let email, let opportunityID):
            w.u8(4)
            var o = OptionalFields(&w)
            o.string(reason, &w)
            o.string(email, &w)
            o.string(opportunityID, &w)
            o.finish(&w)
        case .override(nil):
            w.u8(5)
        case .override(let f?):
            w.u8(6)
            var o = OptionalFields(&w)
            o.add(f.tier, &w) { $0.u8($1.code) }
            o.string(f.queue, &w)
            o.string(f.ownerID, &w)
            o.string(f.setBy, &w)
            o.string(f.note, &w)
            o.finish(&w)
        case .erasure(let email):
            w.u8(7)
            w.string(email)
        }
    }

    fileprivate static func readCRM(_ r: inout SnapshotReader) throws(SnapshotError) -> CRMEvent {
        let eventID = try r.string("crm event_id")
        let type = try r.enumCase("crm type", CRMEventType.self)
        let occurredAt = EventTime(milliseconds: try r.time("crm occurred_at"))
        let source = try r.string("crm source")
        let recordID = try r.optString("crm record_id")
        let payload: CRMEvent.Payload
        switch try r.u8("crm payload") {
        case 0:
            var m = try PresentFields(&r, count: 13, "person fields")
            var p = CRMPersonFields()
            p.email = try m.string(&r, "email")
            p.firstName = try m.string(&r, "first_name")
            p.lastName = try m.string(&r, "last_name")
            p.title = try m.string(&r, "title")
            p.phone = try m.string(&r, "phone")
            p.company = try m.string(&r, "company")
            p.website = try m.string(&r, "website")
            p.country = try m.string(&r, "country")
            p.state = try m.string(&r, "state")
            p.employees = try m.int(&r, "employees")
            p.annualRevenue = try m.double(&r, "annual_revenue")
            p.industry = try m.string(&r, "industry")
            p.leadSource = try m.string(&r, "lead_source")
            p.custom = try readCustom(&r)
            payload = .person(p)
        case 1:
            var a = CRMAccountFields(accountID: try r.string("account_id"))
            var m = try PresentFields(&r, count: 8, "account fields")
            a.name = try m.string(&r, "name")
            a.domain = try m.string(&r, "domain")
            a.industry = try m.string(&r, "industry")
            a.employees = try m.int(&r, "employees")
            a.annualRevenue = try m.double(&r, "annual_revenue")
            a.country = try m.string(&r, "country")
            a.ownerID = try m.string(&r, "owner_id")
            a.parentDomain = try m.string(&r, "parent_domain")
            a.custom = try readCustom(&r)
            payload = .account(a)
        case 2:
            var p = CRMOpportunityFields(opportunityID: try r.string("opportunity_id"))
            var m = try PresentFields(&r, count: 6, "opportunity fields")
            p.accountDomain = try m.string(&r, "account_domain")
            p.stage = try m.string(&r, "stage")
            p.amount = try m.double(&r, "amount")
            p.closeDate = try m.string(&r, "close_date")
            p.isClosed = try m.bool(&r, "is_closed")
            p.isWon = try m.bool(&r, "is_won")
            p.contactEmails = try r.strings("contact_emails")
            payload = .opportunity(p)
        case 3:
            payload = .activity(
                CRMActivityFields(
                    kind: try r.enumCase("activity kind", CRMActivityKind.self), email: try r.string("activity email"),
                    outcome: try r.optString("activity outcome")))
        case 4:
            var m = try PresentFields(&r, count: 3, "outcome fields")
            payload = .outcome(
                reason: try m.string(&r, "reason"), email: try m.string(&r, "email"), opportunityID: try m.string(&r, "opportunity_id"))
        case 5:
            payload = .override(nil)
        case 6:
            var m = try PresentFields(&r, count: 5, "override fields")
            var f = CRMOverrideFields()
            if m.next() {
                let code = try r.u8("tier")
                guard let tier = Tier(code: code) else { throw r.fail("tier", "code \(code)") }
                f.tier = tier
            }
            f.queue = try m.string(&r, "queue")
            f.ownerID = try m.string(&r, "owner_id")
            f.setBy = try m.string(&r, "set_by")
            f.note = try m.string(&r, "note")
            payload = .override(f)
        case 7:
            payload = .erasure(email: try r.string("erasure email"))
        case let kind:
            throw r.fail("crm payload", "kind \(kind)")
        }
        return CRMEvent(eventID: eventID, type: type, occurredAt: occurredAt, source: source, recordID: recordID, payload: payload)
    }

    fileprivate static func write(_ e: SegmentEvent, _ w: inout SnapshotWriter) {
        w.u8(e.type.snapshotOrdinal)
        w.string(e.messageID)
        w.time(e.timestamp.milliseconds)
        var o = OptionalFields(&w)
        o.string(e.userID, &w)
        o.string(e.anonymousID, &w)
        o.string(e.event, &w)
        o.string(e.name, &w)
        o.string(e.pageURL, &w)
        o.string(e.pagePath, &w)
        o.string(e.referrer, &w)
        o.string(e.campaign, &w)
        o.string(e.category, &w)
        o.string(e.groupID, &w)
        o.string(e.ip, &w)
        o.string(e.userAgent, &w)
        let t = e.traits
        o.string(t.email, &w)
        o.string(t.name, &w)
        o.string(t.firstName, &w)
        o.string(t.lastName, &w)
        o.string(t.title, &w)
        o.string(t.phone, &w)
        o.string(t.company, &w)
        o.string(t.website, &w)
        o.string(t.domain, &w)
        o.string(t.country, &w)
        o.int(t.employees, &w)
        o.string(t.industry, &w)
        o.finish(&w)
    }

    fileprivate static func readSegment(_ r: inout SnapshotReader) throws(SnapshotError) -> SegmentEvent {
        let type = try r.enumCase("segment type", SegmentCallType.self)
        let messageID = try r.string("messageId")
        let timestamp = EventTime(milliseconds: try r.time("segment timestamp"))
        var m = try PresentFields(&r, count: 24, "segment fields")
        var e = SegmentEvent(
            type: type, messageID: messageID, userID: try m.string(&r, "userId"), anonymousID: try m.string(&r, "anonymousId"),
            timestamp: timestamp, event: try m.string(&r, "event"), name: try m.string(&r, "name"),
            pageURL: try m.string(&r, "page url"), pagePath: try m.string(&r, "page path"), referrer: try m.string(&r, "referrer"),
            campaign: try m.string(&r, "campaign"), category: try m.string(&r, "category"), groupID: try m.string(&r, "groupId"),
            traits: SegmentTraits(), ip: try m.string(&r, "ip"), userAgent: try m.string(&r, "userAgent"))
        e.traits.email = try m.string(&r, "traits.email")
        e.traits.name = try m.string(&r, "traits.name")
        e.traits.firstName = try m.string(&r, "traits.firstName")
        e.traits.lastName = try m.string(&r, "traits.lastName")
        e.traits.title = try m.string(&r, "traits.title")
        e.traits.phone = try m.string(&r, "traits.phone")
        e.traits.company = try m.string(&r, "traits.company")
        e.traits.website = try m.string(&r, "traits.website")
        e.traits.domain = try m.string(&r, "traits.domain")
        e.traits.country = try m.string(&r, "traits.country")
        e.traits.employees = try m.int(&r, "traits.employees")
        e.traits.industry = try m.string(&r, "traits.industry")
        return e
    }

    fileprivate static func write(_ e: SendGridEvent, _ w: inout SnapshotWriter) {
        w.string(e.email)
        w.time(e.timestamp.milliseconds)
        w.u8(e.event.snapshotOrdinal)
        var o = OptionalFields(&w)
        o.string(e.sgEventID, &w)
        o.string(e.sgMessageID, &w)
        o.string(e.url, &w)
        o.string(e.reason, &w)
        o.string(e.bounceType, &w)
        o.string(e.campaignID, &w)
        o.int(e.asmGroupID, &w)
        o.finish(&w)
        w.strings(e.categories)
    }

    fileprivate static func readSendGrid(_ r: inout SnapshotReader) throws(SnapshotError) -> SendGridEvent {
        let email = try r.string("sendgrid email")
        let timestamp = EventTime(milliseconds: try r.time("sendgrid timestamp"))
        let event = try r.enumCase("sendgrid event", SendGridEventType.self)
        var m = try PresentFields(&r, count: 7, "sendgrid fields")
        let sgEventID = try m.string(&r, "sg_event_id")
        let sgMessageID = try m.string(&r, "sg_message_id")
        let url = try m.string(&r, "url")
        let reason = try m.string(&r, "reason")
        let bounceType = try m.string(&r, "type")
        let campaignID = try m.string(&r, "campaign_id")
        let asmGroupID = try m.int(&r, "asm_group_id")
        return SendGridEvent(
            email: email, timestamp: timestamp, event: event, sgEventID: sgEventID, sgMessageID: sgMessageID, url: url,
            categories: try r.strings("category"), reason: reason, bounceType: bounceType, campaignID: campaignID,
            asmGroupID: asmGroupID)
    }

    /// Custom fields: count (0 when none), then per field its key, a type (0 string,
    /// 1 number, 2 false, 3 true) and the value. Not the ledger snapshot's custom-field
    /// codec: that one stores only non-empty lists and refuses an empty one.
    fileprivate static func write(_ custom: [CustomField], _ w: inout SnapshotWriter) {
        w.varint(custom.count)
        for field in custom {
            w.string(field.key)
            switch field.value {
            case .string(let s):
                w.u8(0)
                w.string(s)
            case .number(let d):
                w.u8(1)
                w.f64(d)
            case .bool(let b):
                w.u8(b ? 3 : 2)
            }
        }
    }

    fileprivate static func readCustom(_ r: inout SnapshotReader) throws(SnapshotError) -> [CustomField] {
        let n = try r.count("custom", minBytes: 2)
        var out: [CustomField] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let key = try r.string("custom key")
            switch try r.u8("custom value type") {
            case 0: out.append(CustomField(key, .string(try r.string("custom value"))))
            case 1: out.append(CustomField(key, .number(try r.f64("custom value"))))
            case 2: out.append(CustomField(key, .bool(false)))
            case 3: out.append(CustomField(key, .bool(true)))
            case let type: throw r.fail("custom value type", "type \(type)")
            }
        }
        return out
    }
}
