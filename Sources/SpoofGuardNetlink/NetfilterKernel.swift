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
    /// Reads that dumped set elements (the expensive kind): tests hold apply to skipping them.
    private(set) var elementReads = 0

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
        var digests: [SetPath: [UInt8]] = [:]
        return try read(tablesNamed: names, families: families, elements: elements, digests: &digests)
    }

    /// The same, collecting each set's `ElementDigest`.
    func read(tablesNamed names: Set<String>, families: Set<TableFamily>, elements: Bool,
              digests: inout [SetPath: [UInt8]]) throws -> Ruleset {
        if elements { elementReads += 1 }
        let reader = KernelReader(socket: socket)
        var tables: [Table] = []
        for name in names.sorted() {
            tables += try reader.tables(named: name, families: families, elements: elements, digests: &digests)
        }
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

    /// How often apply starts over when another process changed the ruleset between its read
    /// and its transaction (the kernel answered ERESTART, or a read was not consistent).
    public static let applyAttempts = 5

    /// Applies `ruleset` (spoofguard's tables only) following the apply contract. A concurrent
    /// change seen before the commit makes it start over from a fresh read (at most
    /// `applyAttempts` times); one committed after makes the read-back differ, reported as such.
    @discardableResult
    public func apply(_ ruleset: Ruleset, check: Bool = false) throws -> ApplyReport {
        var attempt = 1
        while true {
            do {
                return try applyOnce(ruleset, check: check)
            } catch let error as NetlinkError where error.errno == ERESTART && attempt < Self.applyAttempts {
                attempt += 1
            }
        }
    }

    private func applyOnce(_ ruleset: Ruleset, check: Bool) throws -> ApplyReport {
        let names = Set(ruleset.tables.map(\.name))
        let families = Self.managedFamilies.union(ruleset.tables.map(\.family))
        let generation = try generation()
        var report = ApplyReport(ruleset: ruleset, checked: check)
        var encodedSets: EncodedSets?
        func encoded() throws(LinearizeError) -> EncodedSets {
            if let encodedSets { return encodedSets }
            let sets = try EncodedSets(ruleset)
            encodedSets = sets
            return sets
        }
        // Element dumps are the expensive part (the kernel walks a set from its start for every
        // 32 KiB of reply): read them only when everything else already matches, and not when
        // the sets' digests already show that the elements differ (see `ElementProof`).
        var current: Ruleset
        do {
            var digests: [SetPath: [UInt8]] = [:]
            current = try read(tablesNamed: names, families: families, elements: false, digests: &digests)
            if current.withoutSetElements.kernelComparable == ruleset.withoutSetElements.kernelComparable,
               try ElementProof.judge(expected: encoded(), digests: digests) != .different,
               try read(tablesNamed: names, families: families).kernelComparable == ruleset.kernelComparable {
                // The dumps are separate requests: only an unmoved generation proves they saw
                // one ruleset, so that "unchanged" is not claimed from a mixture of two.
                try requireGeneration(generation, "reading spoofguard's table")
                return report
            }
        } catch is DelinearizeError {
            // The table carries spoofguard's name but holds rules it did not write (someone
            // edited it by hand): it differs, and the replace below restores the policy.
            current = try present(tablesNamed: names, families: families)
        }
        let stale = current.tables.filter { table in ruleset.table(family: table.family, name: table.name) == nil }
        let transaction = try Transaction.replace(with: ruleset.carryingCounters(from: current), deleting: stale, generation: generation,
                                                  commit: !check, socket: socket, encoded: encoded())
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
        // Our commit made the generation `generation + 1`. Read back at that generation, the
        // table is exactly what the acknowledged batch created: chains, sets and rules are
        // compared, and the sets' elements are the ones sent, which their digests confirm
        // without the quadratic element dump. Anything else reads back everything.
        var digests: [SetPath: [UInt8]] = [:]
        let (header, headerGeneration) = try consistentRead(tablesNamed: names, families: families, elements: false, digests: &digests)
        if headerGeneration == generation &+ 1,
           header.withoutSetElements.kernelComparable == ruleset.withoutSetElements.kernelComparable,
           try ElementProof.judge(expected: encoded(), digests: digests) == .equal {
            return report
        }
        let (readBack, readGeneration) = try consistentRead(tablesNamed: names, families: families, elements: true, digests: &digests)
        guard readBack.kernelComparable == ruleset.kernelComparable else {
            // Our commit made the generation `generation + 1`; a later one means another process
            // committed after us and what is loaded now is its doing, not a failed transaction.
            throw ApplyError.readBackDiffers(expected: ruleset, loaded: readBack,
                                             replacedBy: readGeneration != generation &+ 1 ? readGeneration : nil)
        }
        return report
    }

    /// Throws ERESTART (apply starts over) when the generation is no longer `expected`.
    private func requireGeneration(_ expected: UInt32, _ operation: String) throws(NetlinkError) {
        let now = try generation()
        guard now == expected else {
            throw NetlinkError(errno: ERESTART, operation: "\(operation) (the ruleset generation moved from \(expected) to \(now))")
        }
    }

    /// Reads the tables between two equal generation reads, so that the result is one ruleset
    /// and not chains of one and rules of the next. Returns it with that generation.
    private func consistentRead(tablesNamed names: Set<String>, families: Set<TableFamily>, elements: Bool,
                                digests: inout [SetPath: [UInt8]]) throws -> (Ruleset, UInt32) {
        var attempt = 1
        while true {
            let before = try generation()
            digests = [:]
            let tables = try read(tablesNamed: names, families: families, elements: elements, digests: &digests)
            let after = try generation()
            if before == after || attempt == Self.applyAttempts { return (tables, after) }
            attempt += 1
        }
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
    /// `replacedBy` is the generation read back when another process committed after this one.
    case readBackDiffers(expected: Ruleset, loaded: Ruleset, replacedBy: UInt32?)
    /// Replies were lost (ENOBUFS); `loadedMatches` says what a read-back found, nil if it failed.
    case outcomeUnknown(cause: NetlinkError, loadedMatches: Bool?)

    public var description: String {
        switch self {
        case let .readBackDiffers(_, _, replacedBy?):
            "the kernel committed the transaction, but another process changed the ruleset right after "
                + "(generation \(replacedBy)): the table read back differs from the policy; run apply again"
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
