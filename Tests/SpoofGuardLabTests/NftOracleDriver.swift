import Foundation
import SpoofGuard
@testable import SpoofGuardLab

/// A test-only `RulesetDriver` that loads nft text with the `nft` tool inside the router
/// namespace and reads counters from `nft -j`. It exists to test the harness itself
/// independently of spoofguard's netlink code (the product never runs `nft`).
struct NftOracleDriver: RulesetDriver {
    /// nft text equivalent to the ruleset it is used with.
    var text: String

    func load(_ ruleset: Ruleset, into lab: KernelLab) throws {
        try LabSupport.inRouter(lab, ["nft", "-f", "-"], input: text)
    }

    func ruleCounters(of ruleset: Ruleset, in lab: KernelLab) throws -> [RuleAddress: UInt64] {
        let json = try LabSupport.inRouter(lab, ["nft", "-j", "list", "ruleset"])
        guard let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let objects = root["nftables"] as? [[String: Any]] else { return [:] }
        var positions: [String: Int] = [:]
        var counts: [RuleAddress: UInt64] = [:]
        for object in objects {
            guard let rule = object["rule"] as? [String: Any], let familyName = rule["family"] as? String,
                  let family = TableFamily(rawValue: familyName), let table = rule["table"] as? String,
                  let chain = rule["chain"] as? String, let expressions = rule["expr"] as? [[String: Any]] else { continue }
            let key = "\(familyName) \(table) \(chain)"
            let index = positions[key, default: 0]
            positions[key] = index + 1
            for expression in expressions {
                if let counter = expression["counter"] as? [String: Any], let packets = counter["packets"] as? Int {
                    counts[RuleAddress(family: family, table: table, chain: chain, index: index)] = UInt64(packets)
                }
            }
        }
        // Match by position, keeping the ruleset's own addresses (with their comments).
        return ruleset.countedRules.reduce(into: [:]) { result, address in
            var bare = address
            bare.comment = nil
            if let count = counts[bare] { result[address] = count }
        }
    }
}
