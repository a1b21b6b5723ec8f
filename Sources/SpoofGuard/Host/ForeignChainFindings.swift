/// Base chains of other tables that see a packet before spoofguard's chain does and can
/// rewrite its addresses or take it away. "Before" follows the receive path: netdev ingress
/// runs before every prerouting hook; within one hook, the lower priority number runs first.
struct ForeignChainFindings {
    let snapshot: HostSnapshot

    var all: [AuditFinding] {
        let guardChains = snapshot.chains.filter(isGuard)
        var seen = Set<String>()
        var findings: [AuditFinding] = []
        for chain in snapshot.chains where !isGuard(chain) {
            guard let first = guardChains.first(where: { Self.runs(chain, before: $0) }) else { continue }
            for rule in chain.rules {
                let object = "\(chain.label) rule handle \(rule.handle)"
                for effect in rule.effects {
                    let findingClass: FindingClass
                    if effect.rewritesAddress(in: chain.family) {
                        findingClass = .foreignChainRewritesAddress
                    } else if effect.takesPacketAway && (chain.family == .netdev || effect == .queue) {
                        findingClass = .foreignChainDivertsPacket
                    } else {
                        continue
                    }
                    guard seen.insert("\(findingClass.rawValue) \(object)").inserted else { continue }
                    findings.append(AuditFinding(
                        findingClass, object: object,
                        detail: "\(effect) in \(chain.label) (\(Self.position(chain))) runs before \(first.label) (\(Self.position(first)))",
                        fix: "delete the rule (nft delete rule \(chain.family.rawValue) \(chain.table) \(chain.name) handle \(rule.handle)) "
                            + "or move the chain after spoofguard's: recreate it with priority above \(first.priority.rawValue)"))
                }
            }
        }
        return findings
    }

    private func isGuard(_ chain: HostChain) -> Bool {
        chain.table == snapshot.guardTable && NetfilterFamilies.guardFamilies.contains(chain.family)
    }

    static func position(_ chain: HostChain) -> String {
        "\(chain.hook?.rawValue ?? "unknown hook") priority \(chain.priority.rawValue)"
            + (chain.devices.isEmpty ? "" : " devices \(chain.devices.joined(separator: ","))")
    }

    /// Whether `chain` sees packets before `guardChain` on some interface.
    static func runs(_ chain: HostChain, before guardChain: HostChain) -> Bool {
        guard let hook = chain.hook, let guardHook = guardChain.hook else { return false }
        let sharesDevice = chain.devices.isEmpty || guardChain.devices.isEmpty
            || !Set(chain.devices).isDisjoint(with: guardChain.devices)
        // netdev and inet ingress chains share the device's ingress hook, ordered by priority;
        // all of it runs before any prerouting hook (inet, ip, ip6 or bridge).
        if hook == .ingress {
            if guardHook == .ingress { return sharesDevice && chain.priority < guardChain.priority }
            return guardHook == .prerouting && sharesDevice
        }
        guard hook == guardHook else { return false }
        switch (chain.family, guardChain.family) {
        case (.ip, .inet), (.ip6, .inet), (.inet, .inet), (.bridge, .bridge):
            return chain.priority < guardChain.priority
        default:
            return false
        }
    }
}

enum NetfilterFamilies {
    /// The families spoofguard's compiler writes (prerouting, ingress, bridge).
    static let guardFamilies: Set<TableFamily> = [.inet, .netdev, .bridge]
}
