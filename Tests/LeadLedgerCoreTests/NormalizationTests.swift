import Foundation
import Testing

@testable import LeadLedgerCore

@Suite("Normalization tables")
struct NormalizationTests {
    static let emails: [(String, String?, String?)] = [
        // (input, address, identity key)
        ("jane@acme.io", "jane@acme.io", "jane@acme.io"),
        ("  Jane.Doe@Acme.IO \n", "jane.doe@acme.io", "jane.doe@acme.io"),
        ("Jane.Doe+News@Acme.io", "jane.doe+news@acme.io", "jane.doe@acme.io"),
        ("jane+a+b@acme.io", "jane+a+b@acme.io", "jane@acme.io"),
        ("+tag@acme.io", "+tag@acme.io", "+tag@acme.io"),
        ("<jane@acme.io>", "jane@acme.io", "jane@acme.io"),
        ("mailto:JANE@acme.io", "jane@acme.io", "jane@acme.io"),
        ("J.A.N.E@gmail.com", "j.a.n.e@gmail.com", "jane@gmail.com"),
        ("jane.doe+x@GoogleMail.com", "jane.doe+x@googlemail.com", "janedoe@gmail.com"),
        ("jane.doe@outlook.com", "jane.doe@outlook.com", "jane.doe@outlook.com"),
        ("ZOË@Bücher.de", "zoë@xn--bcher-kva.de", "zoë@xn--bcher-kva.de"),
        ("zoe\u{0308}@bu\u{0308}cher.de", "zoë@xn--bcher-kva.de", "zoë@xn--bcher-kva.de"),
        ("jane@acme.io.", "jane@acme.io", "jane@acme.io"),
        ("jane@mail.acme.co.uk", "jane@mail.acme.co.uk", "jane@mail.acme.co.uk"),
        ("jane@www.acme.io", "jane@www.acme.io", "jane@www.acme.io"),
        ("jane", nil, nil),
        ("jane@", nil, nil),
        ("@acme.io", nil, nil),
        ("jane@@acme.io", nil, nil),
        ("ja ne@acme.io", nil, nil),
        ("jane@acme", nil, nil),
        ("jane..doe@acme.io", nil, nil),
        (".jane@acme.io", nil, nil),
        ("jane@-acme.io", nil, nil),
        ("jane@acme_corp.io", nil, nil),
        ("jane@127.0.0.1", nil, nil),
        ("", nil, nil),
        ("jane@acme.io/x", nil, nil),
    ]

    @Test("emails", arguments: emails)
    func email(input: String, address: String?, key: String?) {
        let n = EmailNormalizer().normalize(input)
        #expect(n?.address == address, "\(input.debugDescription)")
        #expect(n?.identityKey == key, "\(input.debugDescription)")
        if let n { #expect(n.asSeen == Text.trim(input).replacingOccurrences(of: "mailto:", with: "").trimmingCharacters(in: ["<", ">"])) }
    }

    @Test("gmail dot rule is optional")
    func gmailDotsOff() {
        #expect(EmailNormalizer(gmailDots: false).normalize("j.ane@gmail.com")?.identityKey == "j.ane@gmail.com")
        #expect(EmailNormalizer(gmailDots: true).normalize("j.ane@gmail.com")?.identityKey == "jane@gmail.com")
    }

    static let mailKinds: [(String, MailDomainKind)] = [
        ("a@gmail.com", .free), ("a@GMAIL.com", .free), ("a@yahoo.co.uk", .free), ("a@hotmail.com", .free),
        ("a@mailinator.com", .disposable), ("a@yopmail.com", .disposable), ("a@acme.io", .corporate),
        ("a@mail.acme.co.uk", .corporate), ("a@icloud.com", .free), ("a@proton.me", .free),
    ]

    @Test("mail domain kinds", arguments: mailKinds)
    func kind(input: String, kind: MailDomainKind) {
        #expect(EmailNormalizer().normalize(input)?.kind == kind)
    }

    static let hosts: [(String, String?, String?)] = [
        // (input, host, registrable domain)
        ("https://www.acme.io", "acme.io", "acme.io"),
        ("http://www.acme.io/pricing?x=1#top", "acme.io", "acme.io"),
        ("acme.io", "acme.io", "acme.io"),
        ("ACME.IO:8080/path", "acme.io", "acme.io"),
        ("https://user:pw@shop.acme.com:443/", "shop.acme.com", "acme.com"),
        ("//cdn.acme.com/x.js", "cdn.acme.com", "acme.com"),
        ("www2.acme.com", "acme.com", "acme.com"),
        ("www.acme.co.uk", "acme.co.uk", "acme.co.uk"),
        ("shop.acme.co.uk", "shop.acme.co.uk", "acme.co.uk"),
        ("acme.com.au", "acme.com.au", "acme.com.au"),
        ("portal.acme.co.jp", "portal.acme.co.jp", "acme.co.jp"),
        ("loja.acme.com.br", "loja.acme.com.br", "acme.com.br"),
        ("eu.app.acme.de", "eu.app.acme.de", "acme.de"),
        ("co.uk", "co.uk", nil),
        ("https://bücher.de/", "xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("münchen.de", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("例え.jp", "xn--r8jz45g.jp", "xn--r8jz45g.jp"),
        ("acme。io", "acme.io", "acme.io"),
        ("acme.io.", "acme.io", "acme.io"),
        ("  https://Acme.IO  ", "acme.io", "acme.io"),
        ("www.com", "www.com", "www.com"),
        ("localhost", nil, nil),
        ("http://192.168.0.1/", nil, nil),
        ("http://[::1]:80/", nil, nil),
        ("not a domain", nil, nil),
        ("", nil, nil),
        ("acme..io", nil, nil),
        ("-acme.io", nil, nil),
        ("acme.io:http", nil, nil),
    ]

    @Test("domains and registrable domains", arguments: hosts)
    func domain(input: String, host: String?, reg: String?) {
        #expect(DomainNormalizer.host(input) == host, "\(input)")
        #expect(DomainNormalizer.registrableDomain(input) == reg, "\(input)")
    }

    static let punycode: [(String, String)] = [
        // RFC 3492 §7.1 samples and common labels
        ("bücher", "bcher-kva"), ("münchen", "mnchen-3ya"), ("例え", "r8jz45g"),
        ("ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"),
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("Pročprostěnemluvíčesky".lowercased(), "proprostnemluvesky-uyb24dma41a"),
        ("почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbadotcwatmq2g4l"),
        ("ñ", "ida"), ("abc", "abc-"),
    ]

    @Test("punycode encode/decode", arguments: punycode)
    func puny(unicode: String, ascii: String) {
        #expect(Punycode.encode(unicode) == ascii)
        #expect(Punycode.decode(ascii) == unicode)
    }

    static let companies: [(String, String?)] = [
        ("Acme, Inc.", "acme"), ("ACME INC", "acme"), ("Acme Incorporated", "acme"), ("Acme LLC", "acme"),
        ("Acme L.L.C.", "acme"), ("Acme Ltd", "acme"), ("Acme Limited", "acme"), ("Acme GmbH", "acme"),
        ("Acme AG", "acme"), ("Acme S.A.", "acme"), ("Acme SA", "acme"), ("Acme B.V.", "acme"),
        ("Acme Pty Ltd", "acme"), ("Acme Pty. Ltd.", "acme"), ("Acme Co., Ltd.", "acme"), ("Acme Corp.", "acme"),
        ("Acme Corporation", "acme"), ("The Acme Company", "acme"), ("Acme plc", "acme"), ("Acme S.p.A.", "acme"),
        ("Acme SARL", "acme"), ("Acme Oy", "acme"), ("Acme AB", "acme"), ("Acme A/S", "acme"),
        ("Acme Holdings Pty Ltd", "acme"), ("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo"),
        ("Bücher GmbH", "bucher"), ("Procter & Gamble", "procter and gamble"), ("AT&T Inc.", "at and t"),
        ("  acme   labs  ", "acme labs"), ("Acme-Labs, Inc", "acme labs"), ("O'Reilly Media, Inc.", "oreilly media"),
        ("Inc.", "inc"), ("The", "the"), ("", nil), ("...", nil), ("Société Générale S.A.", "societe generale"),
        ("Nestlé S.A.", "nestle"), ("Toyota Motor Corporation", "toyota motor"), ("Salesforce.com, inc.", "salesforcecom"),
    ]

    @Test("company names", arguments: companies)
    func company(input: String, key: String?) {
        #expect(CompanyNameNormalizer.matchKey(input) == key, "\(input)")
    }

    static let countries: [(String, String?)] = [
        ("US", "US"), ("us", "US"), ("USA", "US"), ("U.S.A.", "US"), ("U.S.", "US"), ("United States", "US"),
        ("United States of America", "US"), ("the United States", "US"), ("UK", "GB"), ("U.K.", "GB"),
        ("United Kingdom", "GB"), ("Great Britain", "GB"), ("England", "GB"), ("GBR", "GB"), ("gb", "GB"),
        ("Germany", "DE"), ("Deutschland", "DE"), ("DEU", "DE"), ("España", "ES"), ("Spain", "ES"),
        ("Brasil", "BR"), ("BRA", "BR"), ("Holland", "NL"), ("The Netherlands", "NL"), ("NLD", "NL"),
        ("South Korea", "KR"), ("Korea, Republic of", "KR"), ("Czech Republic", "CZ"), ("Czechia", "CZ"),
        ("Türkiye", "TR"), ("Turkey", "TR"), ("UAE", "AE"), ("United Arab Emirates", "AE"), ("Österreich", "AT"),
        ("Schweiz", "CH"), ("japan", "JP"), ("JPN", "JP"), ("Australia", "AU"), ("  canada ", "CA"),
        ("Narnia", nil), ("", nil), ("XX", nil), ("ZZZ", nil),
    ]

    @Test("countries", arguments: countries)
    func country(input: String, code: String?) {
        #expect(CountryNormalizer.alpha2(input) == code, "\(input)")
    }

    static let phones: [(String, String?, String?)] = [
        ("(415) 555-0132", "US", "+14155550132"), ("415.555.0132", "United States", "+14155550132"),
        ("1-415-555-0132", "US", "+14155550132"), ("+1 415 555 0132", nil, "+14155550132"),
        ("+1 (415) 555-0132 ext. 12", nil, "+14155550132"), ("415-555-0132 x99", "US", "+14155550132"),
        ("011 44 20 7946 0958", "US", "+442079460958"), ("020 7946 0958", "UK", "+442079460958"),
        ("+44 (0)20 7946 0958", nil, "+4402079460958"), ("0044 20 7946 0958", "DE", "+442079460958"),
        ("030 123456", "DE", "+4930123456"), ("06 12 34 56 78", "France", "+33612345678"),
        ("02 1234 5678", "Italy", "+390212345678"), ("(02) 9876 5432", "AU", "+61298765432"),
        ("03-1234-5678", "JP", "+81312345678"), ("415 555 0132", nil, nil), ("555-0132", "US", nil),
        ("call me", "US", nil), ("", "US", nil), ("+1 415", nil, nil), ("12345", "Narnia", nil),
    ]

    @Test("phones to E.164", arguments: phones)
    func phone(input: String, country: String?, e164: String?) {
        #expect(PhoneNormalizer.e164(input, country: country) == e164, "\(input) \(country ?? "-")")
    }

    static let titles: [(String, Seniority, JobFunction, BuyingRole)] = [
        ("CEO", .cLevel, .executive, .decisionMaker),
        ("Chief Executive Officer", .cLevel, .executive, .decisionMaker),
        ("CTO & Co-Founder", .cLevel, .engineering, .decisionMaker),
        ("Chief Financial Officer", .cLevel, .finance, .decisionMaker),
        ("CMO", .cLevel, .marketing, .decisionMaker),
        ("CISO", .cLevel, .it, .decisionMaker),
        ("Founder", .cLevel, .executive, .decisionMaker),
        ("President", .cLevel, .executive, .decisionMaker),
        ("Managing Director", .cLevel, .executive, .decisionMaker),
        ("VP Marketing", .vp, .marketing, .decisionMaker),
        ("Vice President, Sales", .vp, .sales, .decisionMaker),
        ("SVP Engineering", .vp, .engineering, .decisionMaker),
        ("Sr. Director of Demand Generation", .director, .marketing, .champion),
        ("Head of People", .director, .hr, .champion),
        ("Director, IT Infrastructure", .director, .it, .champion),
        ("Chief of Staff", .director, .executive, .champion),
        ("Marketing Manager", .manager, .marketing, .champion),
        ("Sales Mgr", .manager, .sales, .champion),
        ("Engineering Team Lead", .manager, .engineering, .champion),
        ("Product Manager", .manager, .product, .champion),
        ("Senior Software Engineer", .individualContributor, .engineering, .influencer),
        ("Software Engineer", .individualContributor, .engineering, .user),
        ("Principal Architect", .individualContributor, .engineering, .influencer),
        ("Account Executive", .individualContributor, .sales, .user),
        ("SDR", .individualContributor, .sales, .user),
        ("Sales Engineer", .individualContributor, .sales, .user),
        ("Financial Analyst", .individualContributor, .finance, .influencer),
        ("Accountant", .individualContributor, .finance, .user),
        ("Corporate Counsel", .individualContributor, .legal, .user),
        ("Recruiter", .individualContributor, .hr, .user),
        ("Executive Assistant to the CEO", .individualContributor, .executive, .gatekeeper),
        ("Procurement Specialist", .individualContributor, .finance, .gatekeeper),
        ("Office Manager", .manager, .operations, .gatekeeper),
        ("Product Marketing Manager", .manager, .marketing, .champion),
        ("Revenue Operations Manager", .manager, .operations, .champion),
        ("Data Scientist", .individualContributor, .engineering, .user),
        ("UX Designer", .individualContributor, .product, .user),
        ("", .unknown, .other, .user),
        ("Ninja", .unknown, .other, .user),
        ("Student", .unknown, .other, .user),
    ]

    @Test("job titles", arguments: titles)
    func title(input: String, seniority: Seniority, function: JobFunction, role: BuyingRole) {
        let c = JobTitleClassifier.classify(input)
        #expect(c.seniority == seniority, "\(input)")
        #expect(c.function == function, "\(input)")
        #expect(c.role == role, "\(input)")
    }

    static let content: [(String?, String?, String?, ContentCategory)] = [
        (nil, "https://acme.io/pricing", nil, .pricing), (nil, "https://acme.io/plans?x=1", nil, .pricing),
        (nil, "https://acme.io/request-demo", nil, .demo), (nil, "https://acme.io/", nil, .product),
        (nil, "https://acme.io/docs/api/auth", nil, .docs), (nil, "https://acme.io/blog/2024/launch", nil, .blog),
        (nil, "https://acme.io/customers/globex", nil, .caseStudy), (nil, "https://acme.io/careers", nil, .careers),
        (nil, "https://acme.io/contact-sales", nil, .contact), (nil, "https://acme.io/about", nil, .other),
        ("Demo", nil, nil, .demo), ("webinars", nil, nil, .webinar), (nil, nil, "Demo Requested", .demo),
        (nil, nil, "Pricing Viewed", .pricing), (nil, nil, "Course Clicked", .other),
    ]

    @Test("content categories", arguments: content)
    func contentCategory(explicit: String?, url: String?, event: String?, expected: ContentCategory) {
        #expect(ContentCategory.classify(explicit: explicit, url: url, eventName: event) == expected)
    }

    @Test("resource lists load and carry their source headers")
    func lists() {
        #expect(DomainLists.freeMail.contains("gmail.com"))
        #expect(DomainLists.freeMail.count > 50)
        #expect(DomainLists.disposableMail.contains("mailinator.com"))
        #expect(DomainLists.publicSuffixes.contains("co.uk"))
        #expect(!DomainLists.freeMail.contains { $0.hasPrefix("#") })
        for bytes in [
            PackageResources.free_mail_domains_txt, PackageResources.disposable_mail_domains_txt, PackageResources.public_suffixes_txt,
        ] {
            #expect(String(decoding: bytes, as: UTF8.self).contains("# Source:"))
        }
    }
}

@Suite("Host fast path")
struct HostFastPathTests {
    /// The byte-level ASCII path of `DomainNormalizer.host` agrees with the
    /// Character-level definition on hand-picked and on 200 000 generated ASCII
    /// inputs built from the characters the rules look at.
    @Test func asciiHostMatchesGeneralHost() {
        let fixed = [
            "", " ", "acme.io", "ACME.IO", "  Acme.Co.UK. ", "https://www.acme.io/path?q#f", "http://user@sub.acme.io:8080/x",
            "//acme.io", "www.acme.io", "www2.acme.io", "www.io", "wwwx.acme.io", "1.2.3.4", "acme.123", "[::1]:80",
            "acme.io:", "acme.io:8a", "-acme.io", "acme-.io", "a..io", "acme.io..", "a\\b.io", "acme.io\r\n",
            "x\r\ny.io", "mailto:jane@acme.io", "jane@acme.io", "a@b@c.io", "\u{0}acme.io\u{0}", "acme.io\u{7F}",
            String(repeating: "a", count: 64) + ".io", String(repeating: "a", count: 63) + ".io",
            Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: "."),
        ]
        for raw in fixed {
            #expect(DomainNormalizer.asciiHost(raw) == DomainNormalizer.generalHost(raw), "\(raw.debugDescription)")
        }
        let alphabet = Array("aAbwWzZ09-.:/?#\\@[] \t\r\n\u{0B}\u{0}xn".unicodeScalars)
        var rng = SplitMix64(seed: 42)
        var mismatches: [String] = []
        for _ in 0..<200_000 {
            var raw = ""
            for _ in 0..<rng.below(24) { raw.unicodeScalars.append(alphabet[rng.below(alphabet.count)]) }
            if rng.below(4) == 0 { raw = ["http://", "//", "www.", " ", "www1."][rng.below(5)] + raw }
            if rng.below(3) == 0 { raw += [".io", ".co.uk", ":443", "/", ".", "."][rng.below(6)] }
            if DomainNormalizer.asciiHost(raw) != DomainNormalizer.generalHost(raw) { mismatches.append(raw) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map(\.debugDescription))")
    }
}

@Suite("Enum orderings")
struct EnumOrderTests {
    @Test("dense indexes match declaration order")
    func indexes() {
        #expect(AttributeName.allCases.map(\.index) == Array(0..<AttributeName.allCases.count))
        #expect(ContentCategory.allCases.map(\.index) == Array(0..<ContentCategory.allCases.count))
        #expect(ContentCategory.allCases.count == CategoryCounts.count)
        #expect(AccountLinkMethod.allCases.map(\.strength) == Array(1...AccountLinkMethod.allCases.count))
        #expect(Seniority.allCases.sorted() == Seniority.allCases)
        #expect(NodeKind.allCases.sorted() == NodeKind.allCases)
        #expect(EdgeKind.allCases.sorted() == EdgeKind.allCases)
    }
}
