/// What nft infers from the rest of a rule: the family a `reject` answers in, the
/// `meta nfproto` matches it treats as mere dependencies (and so does not list), and the
/// `meta l4proto tcp` it adds in front of a TCP reset — all read from `ProtocolContext`.
/// The oracle tests hold these rules against the real nft.
struct NftRuleAnalysis {
    /// For each statement index holding a `reject`: the address family the rule narrowed to.
    var answerFamily: [Int: AddressFamily] = [:]
    /// Indices of `meta nfproto` matches that `nft list` leaves out.
    var hiddenDependencies: Set<Int>
    /// Whether `nft list` shows `meta l4proto tcp` at the start of the rule.
    var listsTCPDependency = false

    init(_ rule: Rule, family: TableFamily) {
        var context = ProtocolContext(table: family)
        hiddenDependencies = family == .inet ? ProtocolContext.consumedDependencies(in: rule.statements) : []
        for (index, statement) in rule.statements.enumerated() {
            context.note(statement)
            if case .reject(let reject) = statement {
                if let established = context.established { answerFamily[index] = established }
                if reject == .tcpReset, [.inet, .netdev, .bridge].contains(family) { listsTCPDependency = true }
            }
        }
    }
}

/// Which text to produce: what `nft list ruleset` prints, what `nft -f` should load, or the
/// summary verdict lines show. The load form says exactly what the IR says (nft derives the same
/// kernel rule from it); the listing form adds or hides dependencies as nft does; the summary is
/// the listing without counter values and comment — values change with every packet, and verdict
/// lines show the comment on its own.
enum NftTextForm {
    case listing, load, summary

    var showsNftsDependencies: Bool { self != .load }
}

enum NftRuleText {
    static func render(_ rule: Rule, family: TableFamily, form: NftTextForm) -> String {
        let analysis = NftRuleAnalysis(rule, family: family)
        var link = LinkLayerContext(family: family)
        var words: [String] = []
        if form.showsNftsDependencies && analysis.listsTCPDependency { words.append("meta l4proto tcp") }
        for (index, statement) in rule.statements.enumerated() {
            if form.showsNftsDependencies && analysis.hiddenDependencies.contains(index) { continue }
            switch statement {
            case .match(let match): words.append(match.nftText(namedField: link.name(match)))
            case .counter(let counter): words.append(form == .summary ? "counter" : counter.nftText())
            case .limit(let limit): words.append(limit.nftText())
            case .log(let log): words.append(log.nftText())
            case .reject(let reject):
                words.append(reject.nftText(tableFamily: family, answerFamily: analysis.answerFamily[index]))
            case .verdict(let verdict): words.append(verdict.nftText())
            }
        }
        if let comment = rule.comment, form != .summary { words.append("comment " + NftSyntax.quoted(comment)) }
        return words.joined(separator: " ")
    }
}

