/// What a page, email link or tracked event is about: the dimension of
/// engagement aggregates and of the accounts' interaction profiles.
package enum ContentCategory: String, Sendable, CaseIterable, Codable {
    case pricing, demo, contact, docs, product
    case caseStudy = "case_study"
    case blog, webinar, careers, email, other

    /// High-intent categories (SPEC §4: pricing, demo, docs; contact-sales too).
    package var isHighIntent: Bool { self == .pricing || self == .demo || self == .contact || self == .docs }

    /// Dense index, for fixed-size vectors.
    package var index: Int {
        switch self {
        case .pricing: 0
        case .demo: 1
        case .contact: 2
        case .docs: 3
        case .product: 4
        case .caseStudy: 5
        case .blog: 6
        case .webinar: 7
        case .careers: 8
        case .email: 9
        case .other: 10
        }
    }

    /// Classifies content.
    ///
    /// Rules, first match wins: an explicit category (`properties.category`)
    /// equal to a case name or its plural; then words of the URL path (or
    /// of the event name): `pricing|plans|price` → pricing;
    /// `demo|trial|signup|get-started|book-a-demo` → demo; `contact|sales|talk`
    /// → contact; `docs|documentation|api|developers|guide|reference` → docs;
    /// `customers|case-studies|stories` → case_study; `blog|news|articles` →
    /// blog; `webinar|webinars|events` → webinar; `careers|jobs` → careers;
    /// `product|features|platform|solutions|integrations` → product; else other.
    /// Host and query string are ignored; an empty path is the home page (product).
    package static func classify(explicit: String? = nil, url: String? = nil, path: String? = nil, eventName: String? = nil)
        -> ContentCategory
    {
        if let e = explicit {
            let k = Text.matchKey(e).split(separator: " ").joined(separator: "_")
            if let c = ContentCategory(rawValue: k) ?? ContentCategory(rawValue: String(k.dropLast())) { return c }
        }
        var words: [String] = []
        if let p = path ?? url.map(Self.path(ofURL:)) {
            words = Text.matchKey(p).split(separator: " ").map(String.init)
            if words.isEmpty, eventName == nil { return .product }
        }
        if let e = eventName { words += Text.matchKey(e).split(separator: " ").map(String.init) }
        let set = Set(words)
        for (cat, keys) in rules {
            if keys.contains(where: { $0.utf8.contains(UInt8(ascii: " ")) ? Text.hasPhrase(words, $0) : set.contains($0) }) { return cat }
        }
        return .other
    }

    static let rules: [(ContentCategory, [String])] = [
        (.pricing, ["pricing", "plans", "price", "prices", "plan"]),
        (.demo, ["demo", "trial", "signup", "get started", "book a demo", "free trial"]),
        (.contact, ["contact", "sales", "talk", "quote"]),
        (.docs, ["docs", "documentation", "api", "developers", "developer", "guide", "guides", "reference"]),
        (.caseStudy, ["customers", "case", "stories", "casestudies", "testimonials"]),
        (.blog, ["blog", "news", "articles", "article", "post"]),
        (.webinar, ["webinar", "webinars", "events", "event"]),
        (.careers, ["careers", "jobs", "job", "hiring"]),
        (.product, ["product", "products", "features", "feature", "platform", "solutions", "integrations"]),
    ]

    /// The path of a URL (`https://a.io/x/y?q#f` → `/x/y`).
    package static func path(ofURL url: String) -> String {
        var s = Substring(url)
        if let r = Text.find("://", in: s) { s = s[r.upperBound...] }
        guard let slash = s.firstIndex(of: "/") else { return "/" }
        s = s[slash...]
        if let q = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = s[..<q] }
        return String(s)
    }
}
