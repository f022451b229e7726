import Foundation
import Testing

@testable import LeadLedgerCore

@Suite("Contracts: schemas, fixtures and decoders")
struct ContractTests {
    static let inbound: [String: InboundTopic] = ["crm": .crm, "web": .web, "email": .email]
    static let schemaName: [String: String] = [
        "crm": "crm.events", "web": "web.events", "email": "email.events",
        "leadledger.routing": "leadledger.routing", "leadledger.audit": "leadledger.audit",
        "leadledger.audit.v2": "leadledger.audit.v2", "leadledger.routing.v1": "leadledger.routing.v1",
        "leadledger.dlq": "leadledger.dlq", "leadledger.events": "leadledger.events",
    ]

    @Test("every fixture: Python jsonschema verdict == folder, and Swift decoder agrees (accept ⇔ valid)")
    func fixturesAgree() throws {
        let files = Repo.fixtureFiles()
        #expect(files.count >= 100)
        let pairs = files.map { (schema: Self.schemaName[$0.topic]!, path: $0.url.path) }
        let verdicts = try PythonValidator.validate(pairs)
        let decoder = InboundDecoder()
        var checkedSwift = 0
        for f in files {
            let name = f.url.lastPathComponent
            let v = try #require(verdicts[f.url.path], "no verdict for \(name)")
            #expect(v.valid == f.valid, "jsonschema says \(v.valid) for \(f.topic)/\(name): \(v.error ?? "")")
            guard let topic = Self.inbound[f.topic] else { continue }
            let bytes = try [UInt8](Data(contentsOf: f.url))
            checkedSwift += 1
            do {
                let events = try decoder.decode(topic: topic, bytes: bytes)
                #expect(f.valid, "Swift accepted invalid fixture \(f.topic)/\(name)")
                #expect(!events.isEmpty)
            } catch {
                #expect(!f.valid, "Swift rejected valid fixture \(f.topic)/\(name): \(error)")
                // Invalid fixtures are named "<expected_code>--<what>.json".
                let code = name.components(separatedBy: "--")[0]
                #expect(error.code.rawValue == code, "\(f.topic)/\(name): got \(error) expected \(code)")
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(checkedSwift >= 80)
    }

    @Test("SendGrid documented examples decode to every event type; the batch form yields all of them")
    func sendGridTypes() throws {
        let url = Repo.fixtures.appendingPathComponent("email/valid/sendgrid-doc-batch-all-types.json")
        let events = try InboundDecoder().decode(topic: .email, bytes: [UInt8](Data(contentsOf: url)))
        let types = events.compactMap { if case .email(let e) = $0 { e.event } else { nil } }
        #expect(Set(types) == Set(SendGridEventType.allCases))
        #expect(events.count == 11)
        guard case .email(let bounce)? = events.first(where: { if case .email(let e) = $0 { e.event == .bounce } else { false } })
        else {
            Issue.record("no bounce")
            return
        }
        #expect(bounce.bounceType == "bounce")
        #expect(bounce.reason == "500 unknown recipient")
        #expect(bounce.timestamp == EventTime(seconds: 1_513_299_569))
        #expect(bounce.categories == ["cat facts"])
    }

    @Test("Segment fields: page URL from properties, company object, null userId")
    func segmentFields() throws {
        let d = InboundDecoder()
        let page = try d.decode(
            topic: .web, bytes: [UInt8](Data(contentsOf: Repo.fixtures.appendingPathComponent("web/valid/segment-doc-page.json"))))
        guard case .web(let p)? = page.first else {
            Issue.record("not web")
            return
        }
        #expect(p.pageURL == "http://www.example.com")
        #expect(p.userID == "97980cfea0067")
        let anon = try d.decode(
            topic: .web, bytes: [UInt8](Data(contentsOf: Repo.fixtures.appendingPathComponent("web/valid/anonymous-page-null-userid.json")))
        )
        guard case .web(let a)? = anon.first else {
            Issue.record("not web")
            return
        }
        #expect(a.userID == nil)
        #expect(a.anonymousID == "anon-42")
        #expect(a.campaign == "spring-launch")
        #expect(a.timestamp == EventTime.parseRFC3339("2024-05-01T07:00:00Z"))
        let idf = try d.decode(
            topic: .web, bytes: [UInt8](Data(contentsOf: Repo.fixtures.appendingPathComponent("web/valid/identify-company-object.json"))))
        guard case .web(let i)? = idf.first else {
            Issue.record("not web")
            return
        }
        #expect(i.traits.company == "Acme, Inc.")
        #expect(i.traits.title == "VP of Marketing")
    }

    @Test("CRM payloads decode with their fields")
    func crmFields() throws {
        let url = Repo.fixtures.appendingPathComponent("crm/valid/opportunity.created.json")
        guard case .crm(let e)? = try InboundDecoder().decode(topic: .crm, bytes: [UInt8](Data(contentsOf: url))).first,
            case .opportunity(let o) = e.payload
        else {
            Issue.record("not an opportunity")
            return
        }
        #expect(o.opportunityID == "0065e0000ABC")
        #expect(o.amount == 48000)
        #expect(o.contactEmails == ["jane.doe@acme.io", "cto@acme.io"])
        #expect(e.source == "salesforce")
        #expect(e.occurredAt.rfc3339 == "2024-04-02T08:30:00.000Z")
    }
}

@Suite("Hostile input")
struct HostileInputTests {
    @Test("an email address the normalizer cannot normalize is a schema_violation naming the field, never an event without identity")
    func unnormalizableEmailIsRejected() throws {
        let cases: [(InboundTopic, String, String)] = [
            (
                .email, #"{"email":"a..b@example.com","timestamp":1700000000,"event":"open","sg_event_id":"e1","sg_message_id":"m1"}"#,
                "$.email"
            ),
            (
                .crm,
                #"{"event_id":"c1","type":"activity.logged","occurred_at":"2026-01-01T00:00:00Z","source":"salesforce","activity":{"kind":"call","email":"a..b@example.com"}}"#,
                "$.activity.email"
            ),
        ]
        for (topic, json, field) in cases {
            do {
                _ = try InboundDecoder().decode(topic: topic, bytes: Array(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.code == .schemaViolation)
                #expect(error.description.contains(field))
            }
        }
    }

    @Test("1 MB of '[' is rejected as nesting_too_deep")
    func deepArray() {
        // The parser stops at the depth limit instead of recursing through the
        // whole input (no timing assertion here: the benchmark measures speed).
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        var code: ContractError.Code?
        do { _ = try JSONParser.parse(bytes) } catch { code = error.code }
        #expect(code == .nestingTooDeep)
    }

    @Test("deep objects and mixed nesting stop at the limit; exactly the limit is fine")
    func depthLimit() throws {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        _ = try JSONParser.parse(ok)
        let tooDeep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(throws: ContractError(.nestingTooDeep, "nesting deeper than 32 at byte 32")) { try JSONParser.parse(tooDeep) }
        let objs = String(repeating: "{\"a\":", count: 100) + "1" + String(repeating: "}", count: 100)
        do {
            _ = try JSONParser.parse(objs)
            Issue.record("accepted")
        } catch { #expect(error.code == .nestingTooDeep) }
    }

    @Test("integers are kept exact only on request; a syntax error keeps its offset, line and column")
    func integersAndOffsets() throws {
        let text = "[1, 1.0, -0, 2e0, 9007199254740993, 12345678901234567890]"
        #expect(
            try JSONParser.parse(text)
                == .array([
                    .number(1), .number(1), .number(0), .number(2), .number(9_007_199_254_740_992), .number(1.2345678901234567890e19),
                ]))
        #expect(
            try JSONParser.parseReportingOffset(Array(text.utf8), keepingIntegers: true)
                == .array([.int(1), .number(1), .int(0), .number(2), .int(9_007_199_254_740_993), .number(1.2345678901234567890e19)]))
        let bad = Array("{\n  \"a\": ,\n}".utf8)
        do {
            _ = try JSONParser.parseReportingOffset(bad)
            Issue.record("accepted")
        } catch {
            #expect(error == JSONSyntaxError(.malformedJSON, "unexpected character ','", offset: 9))
            #expect(error.location(in: bad)! == (line: 2, column: 8))
            #expect(error.contractError == ContractError(.malformedJSON, "unexpected character ',' at byte 9"))
        }
    }

    @Test("canonical JSON can print numbers in round-trip form; objects take dictionary literals")
    func roundTripNumbers() {
        let value: JSONValue = .object(["b": .array([.number(3), .int(3), .number(0.1), .number(-0.0), .number(1e-5)]), "a": .null])
        #expect(CanonicalJSON.string(value) == #"{"a":null,"b":[3,3,0.1,0,1e-05]}"#)
        #expect(
            String(decoding: CanonicalJSON.encode(value, numbers: .roundTrip), as: UTF8.self) == #"{"a":null,"b":[3.0,3,0.1,0.0,1e-05]}"#)
    }

    /// Found by the `record` fuzz target: `1e306` came out as `inf` (the rounding
    /// to 6 decimals multiplied it past the largest double), which is not JSON.
    @Test("numbers near the largest double stay JSON and round-trip", arguments: ["1e306", "-1.7976931348623157e308", "1e303"])
    func hugeNumbers(_ text: String) throws {
        let written = CanonicalJSON.encode(try JSONParser.parse(Array(text.utf8)))
        let reread = try JSONParser.parse(written)
        #expect(CanonicalJSON.encode(reread) == written, "\(String(decoding: written, as: UTF8.self))")
        #expect(reread == (try JSONParser.parse(Array(text.utf8))))
    }

    @Test("oversized payload is rejected before parsing")
    func tooLarge() {
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
        do {
            _ = try InboundDecoder().decode(topic: .web, bytes: bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .payloadTooLarge)
        }
        let small = InboundDecoder(limits: JSONLimits(maxBytes: 10, maxDepth: 4))
        do {
            _ = try small.decode(topic: .email, bytes: Array("{\"email\":\"a@b.co\"}".utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .payloadTooLarge)
        }
    }

    @Test(
        "invalid UTF-8 is rejected as invalid_encoding",
        arguments: [
            [0x22, 0xFF, 0x22],  // 0xFF never valid
            [0x22, 0xC3, 0x22],  // truncated 2-byte sequence
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        let doc: [UInt8] = Array("{\"type\":\"page\",\"messageId\":".utf8) + bytes + Array("}".utf8)
        do {
            _ = try InboundDecoder().decode(topic: .web, bytes: doc)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidEncoding)
        }
    }

    @Test("lone surrogate escapes are invalid_encoding; pairs decode")
    func surrogates() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        do {
            _ = try JSONParser.parse(#""\ud83d""#)
            Issue.record("accepted")
        } catch { #expect(error.code == .invalidEncoding) }
        do {
            _ = try JSONParser.parse(#""\ude00x""#)
            Issue.record("accepted")
        } catch { #expect(error.code == .invalidEncoding) }
    }

    @Test(
        "malformed JSON variants are malformed_json",
        arguments: [
            "", "   ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "tru", "nul", "\"abc", "\"a\u{01}\"",
            "{\"a\" 1}", "[1 2]", "{} {}", "NaN", "Infinity", "'x'", "\"\\x\"", "\"\\u12G4\"", "1e", "// c\n{}",
        ])
    func malformed(text: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.code == .malformedJSON, "\(text.debugDescription): \(error)")
        }
    }

    @Test("parser round-trips values and numbers")
    func values() throws {
        let v = try JSONParser.parse(#" {"a":[1,-2.5,1e3,true,false,null],"b":"x\n\"y\"\u00e9","a":0} "#)
        guard case .object(let o) = v else {
            Issue.record("not object")
            return
        }
        #expect(o["a"] == .number(0))  // last duplicate wins
        #expect(o["b"] == .string("x\n\"y\"é"))
        #expect(o.members.count == 3)
        #expect(CanonicalJSON.string(v) == #"{"a":0,"b":"x\n\"y\"é"}"#)
        #expect(
            CanonicalJSON.string(.array([.number(1e3), .number(-2.5), .number(0.1 + 0.2), .number(1_234_567_890_123)]))
                == "[1000,-2.5,0.3,1234567890123]")
    }
}

@Suite("Event time")
struct EventTimeTests {
    @Test(
        "RFC 3339 parsing",
        arguments: [
            ("1970-01-01T00:00:00Z", 0 as Int64),
            ("2015-02-23T22:28:55.111Z", 1_424_730_535_111),
            ("2015-02-23t22:28:55.111z", 1_424_730_535_111),
            ("2015-02-23 22:28:55.1119Z", 1_424_730_535_111),
            ("2015-02-24T00:28:55.111+02:00", 1_424_730_535_111),
            ("2015-02-23T20:28:55.111-02:00", 1_424_730_535_111),
            ("2024-02-29T12:00:00Z", 1_709_208_000_000),
            ("1969-12-31T23:59:59.5Z", -500),
            ("2016-12-31T23:59:60Z", 1_483_228_799_999),
        ])
    func parse(text: String, ms: Int64) {
        #expect(EventTime.parseRFC3339(text)?.milliseconds == ms)
    }

    @Test(
        "RFC 3339 rejects",
        arguments: [
            "2023-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z",
            "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+0200", "2024-01-01", "2024-1-01T00:00:00Z", "2024-01-01T00:00:00Zjunk",
            "2024-01-01T00:00:00+24:00", "", "２０２４-01-01T00:00:00Z",
        ])
    func reject(text: String) {
        #expect(EventTime.parseRFC3339(text) == nil)
    }

    @Test("formatting round-trips", arguments: [0, 1_424_730_535_111, -500, 253_402_300_799_999, 951_782_400_000] as [Int64])
    func format(ms: Int64) {
        let t = EventTime(milliseconds: ms)
        #expect(EventTime.parseRFC3339(t.rfc3339) == t)
    }
}

@Suite("Dead letters")
struct DeadLetterTests {
    @Test("base64 matches Foundation on assorted lengths")
    func base64() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + n) & 0xFF) }
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
        }
    }

    @Test("every invalid inbound fixture becomes a DLQ record valid against leadledger.dlq.schema.json")
    func dlqRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadledger-dlq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var pairs: [(schema: String, path: String)] = []
        var inputs: [[UInt8]] = [[0xFF, 0xFE], Array(repeating: UInt8(ascii: "["), count: 5000)]
        for f in Repo.fixtureFiles() where !f.valid && ["crm", "web", "email"].contains(f.topic) {
            inputs.append(try [UInt8](Data(contentsOf: f.url)))
        }
        for (i, bytes) in inputs.enumerated() {
            let error: ContractError
            do {
                _ = try InboundDecoder().decode(topic: .web, bytes: bytes)
                continue
            } catch let e { error = e }
            let record = DeadLetter(
                original: bytes, originalKey: i % 2 == 0 ? Array("k\(i)".utf8) : nil,
                source: SourcePosition(topic: "web.events", partition: 1, offset: Int64(i)), error: error)
            let decoded = try JSONParser.parse(record.encoded)
            guard case .object(let o) = decoded, case .string(let b64)? = o["original_base64"] else {
                Issue.record("bad record")
                continue
            }
            #expect(Data(base64Encoded: b64).map([UInt8].init) == bytes)
            let url = dir.appendingPathComponent("dlq\(i).json")
            try Data(record.encoded).write(to: url)
            pairs.append(("leadledger.dlq", url.path))
        }
        #expect(pairs.count > 30)
        let verdicts = try PythonValidator.validate(pairs)
        for p in pairs { #expect(verdicts[p.path]?.valid == true, "\(p.path): \(verdicts[p.path]?.error ?? "missing")") }
    }

    @Test("the reference form (version 2) carries size, digest and a bounded prefix instead of the original, and validates")
    func referenceForm() throws {
        let original = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let digest = String(repeating: "ab", count: 32)
        let source = SourcePosition(topic: "crm.events", partition: 2, offset: 41)
        let small = DeadLetter(
            original: .reference(DeadLetter.Reference(of: original, sha256: digest)), originalKey: Array("k".utf8),
            source: source, error: ContractError(.outputTooLarge, "an output of 1010000 bytes cannot be produced"))
        let hugeKey = DeadLetter(
            original: .reference(DeadLetter.Reference(of: original, sha256: digest)), originalKey: Array(repeating: 0x41, count: 10_000),
            source: source, error: ContractError(.malformedJSON, "not JSON"))
        for letter in [small, hugeKey] {
            #expect(letter.encoded.count < 2_000)
            guard case .object(let o) = try JSONParser.parse(letter.encoded) else {
                Issue.record("not an object")
                continue
            }
            #expect(o["schema_version"] == .number(2))
            #expect(o["original_base64"] == nil)
            #expect(o["original_size"] == .number(700_000))
            #expect(o["original_sha256"] == .string(digest))
            #expect(o["original_prefix_base64"] == .string(Base64.encode(Array(original.prefix(DeadLetter.referencePrefixBytes)))))
        }
        guard case .object(let withKey) = try JSONParser.parse(small.encoded),
            case .object(let withoutKey) = try JSONParser.parse(hugeKey.encoded)
        else { return }
        #expect(withKey["original_key_base64"] == .string(Base64.encode(Array("k".utf8))))
        #expect(withKey["error_code"] == .string("output_too_large"))
        #expect(withoutKey["original_key_base64"] == nil)
        // The copy form is unchanged: version 1 with the bytes.
        let copy = DeadLetter(original: Array("{".utf8), source: source, error: ContractError(.malformedJSON, "not JSON"))
        guard case .object(let c) = try JSONParser.parse(copy.encoded) else {
            Issue.record("not an object")
            return
        }
        #expect(c["schema_version"] == .number(1) && c["original_base64"] == .string("ew=="))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadledger-dlq-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var pairs: [(schema: String, path: String)] = []
        for (i, letter) in [small, hugeKey, copy].enumerated() {
            let url = dir.appendingPathComponent("ref\(i).json")
            try Data(letter.encoded).write(to: url)
            pairs.append(("leadledger.dlq", url.path))
        }
        let verdicts = try PythonValidator.validate(pairs)
        for p in pairs { #expect(verdicts[p.path]?.valid == true, "\(p.path): \(verdicts[p.path]?.error ?? "missing")") }
    }
}
