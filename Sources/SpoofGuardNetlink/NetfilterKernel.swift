internal import CNetfilter
import Glibc
import SpoofGuard

/// spoofguard's connection to nf_tables in one network namespace: read its own table back,
/// replace it in one transaction, remove it. Nothing here touches any other table.
public final class NetfilterKernel {
    let socket: NetlinkSocket
    public let namespace: NetworkNamespace?
    /// Tests shrink the receive buffer to make replies overflow (ENOBUFS).
    var receiveBufferOverride: Int?

    public init(namespace: NetworkNamespace? = nil) throws(NetlinkError) {
        self.namespace = namespace
        socket = try NetlinkSocket(namespace: namespace)
    }

    public func generation() throws(NetlinkError) -> UInt32 {
        try KernelReader(socket: socket).generation()
    }

    /// The families spoofguard's compiler uses (prerouting, ingress, bridge). A table of the same
    /// name in another family (`ip`, `ip6`, `arp`) belongs to someone else and is never read,
    /// replaced or deleted.
    public static let managedFamilies: Set<TableFamily> = [.inet, .netdev, .bridge]

    /// Every table with one of these names in `families`, read back with counters and handles.
    public func read(tablesNamed names: Set<String>, families: Set<TableFamily> = managedFamilies) throws -> Ruleset {
        try read(tablesNamed: names, families: families, elements: true)
    }

    func read(tablesNamed names: Set<String>, families: Set<TableFamily>, elements: Bool) throws -> Ruleset {
        let reader = KernelReader(socket: socket)
        var tables: [Table] = []
        for name in names.sorted() { tables += try reader.tables(named: name, families: families, elements: elements) }
        return Ruleset(tables: tables)
    }

    /// Which of these tables exist, as empty tables: enough to delete them.
    func present(tablesNamed names: Set<String>, families: Set<TableFamily>) throws(NetlinkError) -> Ruleset {
        let reader = KernelReader(socket: socket)
        var tables: [Table] = []
        for name in names.sorted() {
            tables += try reader.headers(named: name, families: families).map { Table(family: $0.0, name: name) }
        }
        return Ruleset(tables: tables)
    }

    /// Applies `ruleset` (spoofguard's tables only) following the apply contract.
    @discardableResult
    public func apply(_ ruleset: Ruleset, check: Bool = false) throws -> ApplyReport {
        let names = Set(ruleset.tables.map(\.name))
        let families = Self.managedFamilies.union(ruleset.tables.map(\.family))
        let generation = try generation()
        var report = ApplyReport(ruleset: ruleset, checked: check)
        // Element dumps are the expensive part (the kernel walks a set from its start for every
        // 32 KiB of reply): read them only when everything else already matches.
        var current: Ruleset
        do {
            current = try read(tablesNamed: names, families: families, elements: false)
            if current.withoutSetElements.kernelComparable == ruleset.withoutSetElements.kernelComparable,
               try read(tablesNamed: names, families: families).kernelComparable == ruleset.kernelComparable {
                return report
            }
        } catch is DelinearizeError {
            // The table carries spoofguard's name but holds rules it did not write (someone
            // edited it by hand): it differs, and the replace below restores the policy.
            current = try present(tablesNamed: names, families: families)
        }
        let stale = current.tables.filter { table in ruleset.table(family: table.family, name: table.name) == nil }
        let transaction = try Transaction.replace(with: ruleset.carryingCounters(from: current), deleting: stale, generation: generation,
                                                  commit: !check, socket: socket)
        report.messages = transaction.buffer.messageCount
        report.batchBytes = transaction.buffer.length
        do {
            try transaction.run(on: socket, receiveBuffer: receiveBufferOverride)
        } catch {
            guard error.isOutcomeUnknown else { throw error }
            // This socket's queue still holds the replies that did fit: read back on a fresh one.
            let loaded = try? NetfilterKernel(namespace: namespace).read(tablesNamed: names, families: families)
            let matches = loaded.map { $0.kernelComparable == ruleset.kernelComparable }
            throw ApplyError.outcomeUnknown(cause: error, loadedMatches: matches)
        }
        if check { return report }
        report.changed = true
        let readBack = try read(tablesNamed: names, families: families)
        guard readBack.kernelComparable == ruleset.kernelComparable else {
            throw ApplyError.readBackDiffers(expected: ruleset, loaded: readBack)
        }
        return report
    }

    /// Deletes the tables called `name` in the managed families. Returns the families removed;
    /// none (an absent table) is success.
    @discardableResult
    public func remove(tableNamed name: String) throws -> [TableFamily] {
        let generation = try generation()
        let present = try present(tablesNamed: [name], families: Self.managedFamilies).tables
        guard !present.isEmpty else { return [] }
        let transaction = try Transaction.replace(with: Ruleset(), deleting: present, generation: generation,
                                                  commit: true, socket: socket)
        try transaction.run(on: socket)
        return present.map(\.family)
    }
}

public struct ApplyReport: Sendable {
    public var changed = false
    public var checked: Bool
    public var tables: [String]
    public var rules: Int
    public var elements: Int
    /// Netlink messages and bytes of the transaction, when one was sent.
    public var messages = 0
    public var batchBytes = 0

    init(ruleset: Ruleset, checked: Bool) {
        self.checked = checked
        tables = ruleset.tables.map { "\($0.family.rawValue) \($0.name)" }
        rules = ruleset.tables.reduce(0) { $0 + $1.chains.reduce(0) { $0 + $1.rules.count } }
        elements = ruleset.tables.reduce(0) { $0 + $1.sets.reduce(0) { $0 + $1.elements.count } }
    }
}

public enum ApplyError: Error, CustomStringConvertible {
    /// The transaction reported success but the kernel holds something else.
    case readBackDiffers(expected: Ruleset, loaded: Ruleset)
    /// Replies were lost (ENOBUFS); `loadedMatches` says what a read-back found, nil if it failed.
    case outcomeUnknown(cause: NetlinkError, loadedMatches: Bool?)

    public var description: String {
        switch self {
        case .readBackDiffers:
            "the kernel accepted the transaction, but the table read back differs from the policy"
        case let .outcomeUnknown(cause, loadedMatches):
            "the kernel's replies were lost (\(cause.errnoName)), so the transaction's outcome was unknown; read back: "
                + (loadedMatches == true ? "the policy IS loaded"
                   : loadedMatches == false ? "the policy is NOT loaded (the previous table is still in place)"
                   : "the table could not be read")
        }
    }
}
