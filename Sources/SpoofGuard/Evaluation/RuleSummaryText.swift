/// A rule as verdict lines show it: nft's listing form (the renderer's spelling, dependencies
/// hidden as `nft list` hides them), with counter values and the comment left out — values
/// change with every packet, and verdict lines show the comment on its own.
enum RuleSummaryText {
    static func render(_ rule: Rule, family: TableFamily) -> String {
        let analysis = NftRuleAnalysis(rule, family: family)
        var link = LinkLayerContext(family: family)
        var words: [String] = analysis.listsTCPDependency ? ["meta l4proto tcp"] : []
        for (index, statement) in rule.statements.enumerated() where !analysis.hiddenDependencies.contains(index) {
            switch statement {
            case .match(let match): words.append(match.nftText(namedField: link.name(match)))
            case .counter: words.append("counter")
            case .limit(let limit): words.append(limit.nftText())
            case .log(let log): words.append(log.nftText())
            case .reject(let reject): words.append(reject.nftText(tableFamily: family, answerFamily: analysis.answerFamily[index]))
            case .verdict(let verdict): words.append(verdict.nftText())
            }
        }
        return words.joined(separator: " ")
    }
}
