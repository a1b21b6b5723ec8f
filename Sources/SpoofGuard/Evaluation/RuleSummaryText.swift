/// A short nft-like rendering of a rule for verdict lines: `iifname @external ip saddr
/// @source_ipv4 counter drop`. Counter values are left out (they change with every packet)
/// and so is the comment (verdict lines show it on its own).
enum RuleSummaryText {
    static func render(_ rule: Rule) -> String {
        rule.statements.map(text).joined(separator: " ")
    }

    static func text(_ statement: Statement) -> String {
        switch statement {
        case .match(let match):
            let subject: String = switch match.subject {
            case .inputInterfaceName: "iifname"
            case .address(let family, let field): "\(family.nftName) \(field.rawValue)"
            case .networkFamily: "meta nfproto"
            }
            let value: String = switch match.value {
            case .set(let name): "@" + name
            case .interface(let pattern): "\"\(pattern)\""
            case .prefix(let prefix): prefix.description
            case .family(let family): family == .ipv4 ? "ipv4" : "ipv6"
            }
            return subject + (match.isNegated ? " != " : " ") + value
        case .counter: return "counter"
        case .limit(let limit):
            return "limit rate \(limit.rate)/\(limit.unit.rawValue)" + (limit.burst == 5 ? "" : " burst \(limit.burst) packets")
        case .log(let log):
            var text = "log"
            if let prefix = log.prefix { text += " prefix \"\(prefix)\"" }
            if let group = log.group { text += " group \(group)" }
            return text
        case .reject(.portUnreachable): return "reject"
        case .reject(.tcpReset): return "reject with tcp reset"
        case .verdict(let verdict):
            return switch verdict {
            case .accept: "accept"
            case .drop: "drop"
            case .continue: "continue"
            case .return: "return"
            case .jump(let chain): "jump \(chain)"
            case .goto(let chain): "goto \(chain)"
            }
        }
    }
}
