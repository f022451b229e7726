/// Job-title classification.
///
/// The title is folded to lower-case words (punctuation removed, `&` → `and`)
/// and common abbreviations expanded (`sr` → senior, `mgr` → manager,
/// `dir` → director, `mktg` → marketing, `eng` → engineer, `biz dev` →
/// business development, `svp/evp/avp` → vp).
///
/// **Seniority**, first match wins:
/// 1. assistants (`assistant to`, `executive assistant`, `EA`) → individual_contributor;
/// 2. `vice president`, `vp` → vp (checked before `president`);
/// 3. `chief …`, C-suite acronyms (`ceo`, `cto`, `cfo`, `coo`, `cmo`, `cio`,
///    `ciso`, `cro`, `cpo`, `chro`), `president`, `founder`, `owner`,
///    `managing director` → c_level (`chief of staff` → director);
/// 4. `director`, `head of`, `head` → director;
/// 5. `manager`, `lead`, `supervisor`, `team lead` → manager;
/// 6. a recognised individual role word (`engineer`, `analyst`, `specialist`,
///    `representative`, `associate`, `consultant`, `developer`, `designer`,
///    `coordinator`, `accountant`, `administrator`, `architect`, `scientist`,
///    `recruiter`, `executive` as in account executive, `intern`, ...) →
///    individual_contributor;
/// 7. else unknown.
///
/// **Function**: phrase table first (`sales engineer` → sales, `product
/// marketing` → marketing, `revenue operations` → operations, `chief of staff`
/// → executive), then keywords in priority order legal, hr, finance, it,
/// engineering, marketing, product, sales, operations; then C-suite acronyms
/// (`cto` → engineering, `cmo` → marketing, `ceo` → executive, ...); then
/// `founder/owner/president/managing director/general manager` → executive;
/// else other.
///
/// **Buying role**: gatekeeper for assistants, office managers, receptionists
/// and procurement/purchasing; decision_maker for c_level and vp; champion for
/// director and manager; influencer for senior individual contributors
/// (`senior`, `principal`, `staff`, `architect`, `consultant`, `analyst`);
/// user otherwise.
package enum JobTitleClassifier {
    static let abbreviations: [String: String] = [
        "sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager", "mngr": "manager", "dir": "director",
        "mktg": "marketing", "mkt": "marketing", "eng": "engineer", "engr": "engineer", "svp": "vp", "evp": "vp",
        "avp": "vp", "rvp": "vp", "vice": "vice", "biz": "business", "dev": "development", "ops": "operations",
        "acct": "account", "exec": "executive", "admin": "administrator", "assoc": "associate", "hr": "hr",
        "it": "it", "swe": "engineer", "sde": "engineer", "pm": "product manager", "qa": "quality",
        "bdr": "business development representative", "sdr": "sales development representative",
        "ae": "account executive", "md": "managing director", "gm": "general manager", "ea": "executive assistant",
        "gc": "general counsel", "cpa": "accountant", "devops": "devops", "mts": "engineer",
    ]
    static let cSuite: [String: JobFunction] = [
        "ceo": .executive, "cto": .engineering, "cfo": .finance, "coo": .operations, "cmo": .marketing,
        "cio": .it, "ciso": .it, "cso": .it, "cro": .sales, "cpo": .product, "chro": .hr, "clo": .legal,
        "cco": .sales, "cdo": .it,
    ]
    static let phraseFunctions: [(String, JobFunction)] = [
        ("chief of staff", .executive), ("sales engineer", .sales), ("solutions engineer", .sales),
        ("product marketing", .marketing), ("revenue operations", .operations), ("sales operations", .operations),
        ("marketing operations", .marketing), ("business development", .sales), ("account executive", .sales),
        ("account manager", .sales), ("customer success", .sales), ("information technology", .it),
        ("information security", .it), ("human resources", .hr), ("general counsel", .legal),
        ("supply chain", .operations), ("data scientist", .engineering), ("managing director", .executive),
        ("general manager", .executive), ("office manager", .operations),
    ]
    static let phraseWords: [([String], JobFunction)] = phraseFunctions.map { ($0.0.split(separator: " ").map(String.init), $0.1) }
    static let keywordFunctions: [(JobFunction, Set<String>)] = [
        (.legal, ["legal", "counsel", "attorney", "lawyer", "compliance", "paralegal", "privacy"]),
        (.hr, ["hr", "people", "talent", "recruiter", "recruiting", "recruitment", "hiring", "payroll", "benefits"]),
        (
            .finance,
            [
                "finance", "financial", "accountant", "accounting", "controller", "treasury", "treasurer", "fpa",
                "audit", "auditor", "tax", "procurement", "purchasing", "billing",
            ]
        ),
        (.it, ["it", "sysadmin", "helpdesk", "network", "security", "infrastructure", "systems", "cybersecurity"]),
        (
            .engineering,
            [
                "engineer", "engineering", "developer", "software", "devops", "sre", "architect", "programmer",
                "quality", "data", "technical", "technology", "firmware", "backend", "frontend", "fullstack",
            ]
        ),
        (
            .marketing,
            [
                "marketing", "growth", "demand", "brand", "content", "seo", "sem", "communications", "pr",
                "social", "events", "campaign", "campaigns", "advertising", "webinar",
            ]
        ),
        (.product, ["product", "ux", "ui", "design", "designer", "research"]),
        (.sales, ["sales", "account", "revenue", "partnerships", "partner", "channel", "commercial", "bdr", "sdr"]),
        (.operations, ["operations", "operational", "logistics", "facilities", "office", "administration"]),
    ]
    static let icWords: Set<String> = [
        "engineer", "analyst", "specialist", "representative", "associate", "consultant", "developer", "designer",
        "coordinator", "accountant", "administrator", "architect", "scientist", "recruiter", "executive", "intern",
        "assistant", "programmer", "researcher", "writer", "strategist", "advisor", "adviser", "officer", "counsel",
        "attorney", "agent", "technician", "planner", "buyer", "editor", "marketer", "controller", "receptionist",
        "clerk", "paralegal", "partner", "member", "staff", "professional", "expert", "owner",
    ]

    /// Classifies a title. An empty or unrecognisable title is (unknown, other, user).
    package static func classify(_ title: String) -> TitleClassification {
        var words: [String] = []
        for w in Text.matchKey(title).split(separator: " ") {
            if let e = abbreviations[String(w)] {
                words.append(contentsOf: e.split(separator: " ").map(String.init))
            } else {
                words.append(String(w))
            }
        }
        let set = Set(words)
        func has(_ phrase: String) -> Bool { Text.hasPhrase(words, phrase) }

        let assistant = has("executive assistant") || has("assistant to") || has("personal assistant") || has("administrative assistant")
        let seniority: Seniority
        if words.isEmpty {
            seniority = .unknown
        } else if assistant {
            seniority = .individualContributor
        } else if has("vice president") || set.contains("vp") {
            seniority = .vp
        } else if has("chief of staff") {
            seniority = .director
        } else if set.contains("chief") || !set.isDisjoint(with: cSuite.keys) || set.contains("president")
            || set.contains("founder") || set.contains("cofounder") || has("co founder") || has("managing director")
            || (set.contains("owner") && words.count <= 2)
        {
            seniority = .cLevel
        } else if set.contains("director") || has("head of") || set.contains("head") {
            seniority = .director
        } else if set.contains("manager") || set.contains("lead") || set.contains("supervisor") || set.contains("leader") {
            seniority = .manager
        } else if !set.isDisjoint(with: icWords) {
            seniority = .individualContributor
        } else {
            seniority = .unknown
        }

        var function: JobFunction = .other
        let phraseFunction = phraseWords.first(where: { Text.hasPhrase(words, $0.0) })?.1
        if let f = phraseFunction {
            function = f
        } else if let f = keywordFunctions.first(where: { !$0.1.isDisjoint(with: set) })?.0 {
            function = f
        } else if let c = words.first(where: { cSuite[$0] != nil }) {
            function = cSuite[c]!
        } else if set.contains("founder") || set.contains("cofounder") || set.contains("owner") || set.contains("president")
            || set.contains("chief")
        {
            function = .executive
        }
        // A C-suite acronym names the function better than generic keywords ("CTO & Co-Founder").
        if seniority == .cLevel, let c = words.first(where: { cSuite[$0] != nil }), phraseFunction == nil {
            function = cSuite[c]!
        }

        let role: BuyingRole
        if assistant || has("office manager") || set.contains("receptionist") || set.contains("procurement") || set.contains("purchasing")
            || set.contains("buyer")
        {
            role = .gatekeeper
        } else {
            switch seniority {
            case .cLevel, .vp: role = .decisionMaker
            case .director, .manager: role = .champion
            case .individualContributor:
                role =
                    ["senior", "principal", "staff", "architect", "consultant", "analyst", "distinguished", "fellow"]
                        .contains(where: set.contains) ? .influencer : .user
            case .unknown: role = .user
            }
        }
        return TitleClassification(seniority: seniority, function: function, role: role)
    }
}
