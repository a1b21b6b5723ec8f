/// What nft infers from the rest of a rule: the family a `reject` answers in, the
/// `meta nfproto` matches it treats as mere dependencies (and so does not list), and the
/// `meta l4proto tcp` it adds in front of a TCP reset. Found by loading rules into nft 1.0.6
/// and listing them; the oracle tests hold these rules against the real nft.
struct NftRuleAnalysis {
    /// For each statement index holding a `reject`: the address family the rule narrowed to.
    var answerFamily: [Int: AddressFamily] = [:]
    /// Indices of `meta nfproto` matches that `nft list` leaves out.
    var hiddenDependencies: Set<Int> = []
    /// Whether `nft list` shows `meta l4proto tcp` at the start of the rule.
    var listsTCPDependency = false

    init(_ rule: Rule, family: TableFamily) {
        let statements = rule.statements
        var narrowed: AddressFamily?
        for (index, statement) in statements.enumerated() {
            switch statement {
            case .match(let match):
                if let family = match.narrowedFamily { narrowed = family }
                if family == .inet, case .networkFamily = match.subject, !match.isNegated,
                   case .family(let matched) = match.value,
                   Self.isConsumed(dependencyAt: index, of: matched, in: statements) {
                    hiddenDependencies.insert(index)
                }
            case .reject(let reject):
                if let narrowed { answerFamily[index] = narrowed }
                if reject == .tcpReset, [.inet, .netdev, .bridge].contains(family) { listsTCPDependency = true }
            default:
                break
            }
        }
    }

    /// nft keeps one pending `meta nfproto` dependency; the next payload match of that family,
    /// or a reject, consumes it. Any other statement (counter, log, limit, verdict) or another
    /// `meta nfproto` match ends the wait, and the match is then listed.
    private static func isConsumed(dependencyAt index: Int, of family: AddressFamily,
                                   in statements: [Statement]) -> Bool {
        for statement in statements[(index + 1)...] {
            switch statement {
            case .match(let match):
                switch match.subject {
                case .networkFamily: return false
                case .address(let addressFamily, _): return addressFamily == family
                case .inputInterfaceName: continue
                }
            case .reject: return true
            default: return false
            }
        }
        return false
    }
}

extension Match {
    /// The address family a packet must have for this match to hold, if it says so.
    var narrowedFamily: AddressFamily? {
        switch subject {
        case .address(let family, _): family
        case .networkFamily:
            if !isNegated, case .family(let family) = value { family } else { nil }
        case .inputInterfaceName: nil
        }
    }
}

/// Which text to produce: what `nft list ruleset` prints, or what `nft -f` should load.
/// They differ only where nft adds or hides dependencies: the load form says exactly what
/// the IR says, and nft derives the same kernel rule from it.
enum NftTextForm {
    case listing, load
}

enum NftRuleText {
    static func render(_ rule: Rule, family: TableFamily, form: NftTextForm) -> String {
        let analysis = NftRuleAnalysis(rule, family: family)
        var words: [String] = []
        if form == .listing && analysis.listsTCPDependency { words.append("meta l4proto tcp") }
        for (index, statement) in rule.statements.enumerated() {
            if form == .listing && analysis.hiddenDependencies.contains(index) { continue }
            switch statement {
            case .match(let match): words.append(match.nftText())
            case .counter(let counter): words.append(counter.nftText())
            case .limit(let limit): words.append(limit.nftText())
            case .log(let log): words.append(log.nftText())
            case .reject(let reject):
                words.append(reject.nftText(tableFamily: family, answerFamily: analysis.answerFamily[index]))
            case .verdict(let verdict): words.append(verdict.nftText())
            }
        }
        if let comment = rule.comment { words.append("comment " + NftSyntax.quoted(comment)) }
        return words.joined(separator: " ")
    }
}
