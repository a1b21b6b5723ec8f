import SpoofGuard
import SpoofGuardNetlink

/// The product's `RulesetDriver`: spoofguard's own netlink code applies the ruleset inside the
/// lab's router namespace and reads it back with its counters. No `nft` involved.
public final class NetlinkRulesetDriver: RulesetDriver {
    private var kernels: [String: NetfilterKernel] = [:]

    public init() {}

    private func kernel(for lab: KernelLab) throws -> NetfilterKernel {
        if let kernel = kernels[lab.router.path] { return kernel }
        let kernel = try NetfilterKernel(namespace: NetworkNamespace(nameOrPath: lab.router.path))
        kernels[lab.router.path] = kernel
        return kernel
    }

    public func load(_ ruleset: Ruleset, into lab: KernelLab) throws {
        try kernel(for: lab).apply(ruleset)
    }

    public func ruleCounters(of ruleset: Ruleset, in lab: KernelLab) throws -> [RuleAddress: UInt64] {
        let readBack = try kernel(for: lab).read(tablesNamed: Set(ruleset.tables.map(\.name)))
        return ruleset.counters(readBack: readBack)
    }
}
