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

    /// The cookie of this socket's network namespace (SO_NETNS_COOKIE), which keys the element
    /// record; nil on kernels before 5.14.
    public func namespaceCookie() -> UInt64? { socket.namespaceCookie() }

    /// The families spoofguard's compiler uses (prerouting, ingress, bridge). A table of the same
    /// name in another family (`ip`, `ip6`, `arp`) belongs to someone else and is never read,
    /// replaced or deleted.
    public static let managedFamilies: Set<TableFamily> = [.inet, .netdev, .bridge]

    /// Every table with one of these names in `families`, read back with counters and handles,
    /// as one ruleset: a read that another process's commit interrupts (a dump failing with
    /// ENOENT, EINTR or ERESTART, or a generation that moved meanwhile) starts over.
    public func read(tablesNamed names: Set<String>, families: Set<TableFamily> = managedFamilies) throws -> Ruleset {
        try read(tablesNamed: names, families: families, source: .all)
    }

    /// The same without the elements of address sets, which come back empty: `status` without
    /// `--elements`. Interface sets are read (they are small and say what is guarded).
    public func readWithoutAddressElements(tablesNamed names: Set<String>, families: Set<TableFamily> = managedFamilies) throws -> Ruleset {
        try read(tablesNamed: names, families: families, source: .interfaceSets)
    }

    private func read(tablesNamed names: Set<String>, families: Set<TableFamily>, source: @autoclosure () -> ElementSource) throws -> Ruleset {
        try retryingOnConcurrentChange("reading table \(names.sorted().joined(separator: ", "))") { start in
            var digests: [SetPath: [UInt8]] = [:]
            let tables = try read(tablesNamed: names, families: families, elements: source(), digests: &digests)
            try requireGeneration(start, "reading the tables")
            return tables
        }
    }

    /// `diff`'s read: a set whose elements `record` proves equal to `expected`'s, at the
    /// generation this read is settled at, is not dumped but filled in from `expected`
    /// (`ElementRecord`); every other set is dumped. Returns what was read, how the elements
    /// were proven, and the record to keep for the next run (nil when none can be made).
    public func read(tablesNamed names: Set<String>, families: Set<TableFamily> = managedFamilies,
                     expecting expected: Ruleset, record: ElementRecord?) throws -> RecordedRead {
        let encoded = try? EncodedSets(expected)
        return try retryingOnConcurrentChange("reading table \(names.sorted().joined(separator: ", "))") { start in
            var source = ElementSource.all
            if let record, let encoded, record.generation == start {
                source.known = ElementProof.proven(by: record, expected: expected, encoded: encoded)
            }
            var digests: [SetPath: [UInt8]] = [:]
            let tables = try read(tablesNamed: names, families: families, elements: source, digests: &digests)
            try requireGeneration(start, "reading the tables")
            guard source.dumped.count > 0 || source.known.isEmpty else {
                return RecordedRead(ruleset: tables, elementsProvenBy: .record, record: record)
            }
            let read = (try? EncodedSets(tables)).map { ElementRecord(generation: start, digests: $0.digests) }
            return RecordedRead(ruleset: tables, elementsProvenBy: .dump, record: read)
        }
    }

    func read(tablesNamed names: Set<String>, families: Set<TableFamily>, elements: Bool) throws -> Ruleset {
        var digests: [SetPath: [UInt8]] = [:]
        return try read(tablesNamed: names, families: families, elements: elements ? .all : .none, digests: &digests)
    }

    /// The same, collecting each set's `ElementDigest`.
    func read(tablesNamed names: Set<String>, families: Set<TableFamily>, elements: ElementSource,
              digests: inout [SetPath: [UInt8]]) throws -> Ruleset {
        let reader = KernelReader(socket: socket)
        var tables: [Table] = []
        let before = elements.dumped.count
        for name in names.sorted() {
            tables += try reader.tables(named: name, families: families, elements: elements, digests: &digests)
        }
        if elements.dumped.count > before { elementReads += 1 }
        return Ruleset(tables: tables)
    }

    /// Which of these tables exist, as empty tables with their comment (the ownership mark):
    /// enough to judge and delete them.
    func present(tablesNamed names: Set<String>, families: Set<TableFamily>) throws(NetlinkError) -> Ruleset {
        let reader = KernelReader(socket: socket)
        var tables: [Table] = []
        for name in names.sorted() {
            tables += try reader.headers(named: name, families: families).map {
                Table(family: $0.0, name: name, comment: UserData.comment(in: $0.1.userData))
            }
        }
        return Ruleset(tables: tables)
    }

    /// How often apply, remove and reads start over when another process changed the ruleset
    /// underneath them (the kernel answered ERESTART, a dump was interrupted or lost its object,
    /// or the generation moved during a read).
    public static let attempts = 5
    /// Starts-over so far (tests hold readers to having retried).
    private(set) var retries = 0

    /// Runs `body` from a fresh generation until no other process's commit interrupts it, at
    /// most `attempts` times. `body` gets the generation read just before it started.
    func retryingOnConcurrentChange<T>(_ operation: String, _ body: (UInt32) throws -> T) throws -> T {
        var changes: [String] = []
        while true {
            let start = try generation()
            do {
                try settle(at: start)
                return try body(start)
            } catch let error as NetlinkError {
                let now = try generation()
                guard ConcurrentChangeError.isCausedByChange(error, generationMoved: now != start) else { throw error }
                changes.append(ConcurrentChangeError.describe(error, from: start, to: now))
                guard changes.count < Self.attempts else {
                    throw ConcurrentChangeError(operation: operation, changes: changes)
                }
                retries += 1
                // Give the other process's work time to end before looking again.
                usleep(UInt32(changes.count) * 20_000)
            }
        }
    }

    /// Applies `ruleset` (spoofguard's tables only, each written with the ownership mark)
    /// following the apply contract. A concurrent change seen before the commit makes it start
    /// over from a fresh read (at most `attempts` times); one committed after makes the
    /// read-back differ, reported as such. An existing table of the same name that spoofguard
    /// did not write is refused (`ForeignTableError`) unless `adopt`.
    /// The kernel's netdev hook features are probed once per apply (nothing committed); a
    /// device the kernel cannot bind is refused before anything is sent
    /// (`MissingKernelFeatureError`). Tests pass `features` to simulate another kernel; `probe`
    /// is that probe when the caller started it early (`BackgroundFeatureProbe`).
    /// `record` is the element record kept since an earlier run: while the generation is its
    /// one, it proves the set elements without the dump. The report carries the record to keep.
    @discardableResult
    public func apply(_ ruleset: Ruleset, check: Bool = false, adopt: Bool = false,
                      features simulated: KernelFeatures? = nil, probe: BackgroundFeatureProbe? = nil,
                      record: ElementRecord? = nil) throws -> ApplyReport {
        let ruleset = ruleset.marked
        let features = try simulated ?? probe?.answer() ?? self.features()
        if ruleset.bindsDevices,
           let missing = features.requirement(of: ruleset, existingDevices: Set(try currentInterfaceNames(in: namespace))) {
            throw missing
        }
        var report = try retryingOnConcurrentChange("applying \(ruleset.tables.map { "\($0.family.rawValue) \($0.name)" }.joined(separator: ", "))") { generation in
            try applyOnce(ruleset, check: check, adopt: adopt, generation: generation, record: record)
        }
        report.kernelFeatures = features
        return report
    }

    private func applyOnce(_ ruleset: Ruleset, check: Bool, adopt: Bool, generation: UInt32,
                           record: ElementRecord?) throws -> ApplyReport {
        let names = Set(ruleset.tables.map(\.name))
        let families = Self.managedFamilies.union(ruleset.tables.map(\.family))
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
        // the sets' digests already show that the elements differ (see `ElementProof`), nor
        // when the element record proves them: nothing was committed since it was made.
        var current: Ruleset
        do {
            var digests: [SetPath: [UInt8]] = [:]
            current = try read(tablesNamed: names, families: families, elements: .none, digests: &digests)
            if current.withoutSetElements.kernelComparable == ruleset.withoutSetElements.kernelComparable,
               try ElementProof.judge(expected: encoded(), digests: digests) != .different {
                var proof: ElementProofSource?
                if let record, record.generation == generation, try ElementProof.provesAll(record, expected: encoded()) {
                    proof = .record
                } else if try read(tablesNamed: names, families: families).kernelComparable == ruleset.kernelComparable {
                    proof = .dump
                }
                if let proof {
                    // The dumps are separate requests: only an unmoved generation proves they
                    // saw one ruleset, so that "unchanged" is not claimed from a mixture of two
                    // (nor from a record of another generation).
                    try requireGeneration(generation, "reading spoofguard's table")
                    report.elementsProvenBy = proof
                    report.record = try ElementRecord(generation: generation, digests: encoded().digests)
                    return report
                }
            }
        } catch is DelinearizeError {
            // The table holds rules spoofguard did not write: a marked one was edited by hand
            // (the replace below restores the policy); an unmarked one is another tool's.
            current = try present(tablesNamed: names, families: families)
        }
        report.claims = try claims(on: current, adopt: adopt, operation: .replace, generation: generation)
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
        let (header, headerGeneration, headerSettled) = try consistentRead(tablesNamed: names, families: families, elements: false, digests: &digests)
        if headerGeneration == generation &+ 1,
           header.withoutSetElements.kernelComparable == ruleset.withoutSetElements.kernelComparable,
           try ElementProof.judge(expected: encoded(), digests: digests) == .equal {
            report.elementsProvenBy = .commit
            report.record = try ElementRecord(generation: headerGeneration, digests: encoded().digests)
            if headerSettled { report.readBack = LoadedTables(generation: headerGeneration, tables: header, setDigests: digests) }
            return report
        }
        let (readBack, readGeneration, settled) = try consistentRead(tablesNamed: names, families: families, elements: true, digests: &digests)
        guard readBack.kernelComparable == ruleset.kernelComparable else {
            // Our commit made the generation `generation + 1`; a later one means another process
            // committed after us and what is loaded now is its doing, not a failed transaction.
            throw ApplyError.readBackDiffers(expected: ruleset, loaded: readBack,
                                             replacedBy: readGeneration != generation &+ 1 ? readGeneration : nil)
        }
        report.elementsProvenBy = .dump
        // Only a read between two equal generations is one ruleset to record.
        if settled {
            report.record = try ElementRecord(generation: readGeneration, digests: encoded().digests)
        }
        return report
    }

    /// Waits until no commit is in flight and the generation is still `generation` (ERESTART
    /// otherwise). The kernel bumps the generation when a commit starts but makes its objects
    /// visible one by one, so a dump running beside a commit can see half a table under the new
    /// generation. An empty batch carrying the generation takes the commit mutex (as every batch
    /// does), so once it returns, any later commit moves the generation before changing what a
    /// dump sees. An empty batch commits nothing and leaves the generation as it is.
    private func settle(at generation: UInt32) throws(NetlinkError) {
        try Transaction.barrier(generation: generation, socket: socket).run(on: socket)
    }

    /// `settle`, answering false instead of throwing when the generation moved.
    func isSettled(at generation: UInt32) throws(NetlinkError) -> Bool {
        do {
            try settle(at: generation)
            return true
        } catch {
            if error.errno == .restart { return false }
            throw error
        }
    }

    /// Throws ERESTART (the operation starts over) when the generation is no longer `expected`,
    /// after waiting out a commit in flight: that commit may have shown the dumps half its work.
    private func requireGeneration(_ expected: UInt32, _ operation: String) throws(NetlinkError) {
        guard try !isSettled(at: expected) else { return }
        let now = try generation()
        throw NetlinkError(errno: ERESTART, operation: "\(operation) (the ruleset generation moved from \(expected) to \(now))")
    }

    /// Reads the tables between two equal generation reads, so that the result is one ruleset
    /// and not chains of one and rules of the next. Returns it with that generation, and
    /// whether it was one (false when every attempt saw the generation move).
    private func consistentRead(tablesNamed names: Set<String>, families: Set<TableFamily>, elements: Bool,
                                digests: inout [SetPath: [UInt8]]) throws -> (Ruleset, UInt32, settled: Bool) {
        var attempt = 1
        while true {
            let before = try generation()
            if try !isSettled(at: before), attempt < Self.attempts {
                attempt += 1
                continue
            }
            digests = [:]
            let tables = try read(tablesNamed: names, families: families, elements: elements ? .all : .none, digests: &digests)
            if try isSettled(at: before) { return (tables, before, true) }
            let after = try generation()
            if attempt == Self.attempts { return (tables, after, false) }
            attempt += 1
        }
    }

    /// Deletes the tables called `name` in the managed families, in one transaction, and only
    /// if spoofguard wrote each of them (`ForeignTableError` otherwise, unless `adopt`). Returns
    /// the families removed; none (an absent table) is success.
    @discardableResult
    public func remove(tableNamed name: String, adopt: Bool = false) throws -> RemovalReport {
        try retryingOnConcurrentChange("removing table \(name)") { generation in
            let present = try present(tablesNamed: [name], families: Self.managedFamilies)
            guard !present.tables.isEmpty else { return RemovalReport() }
            let claims = try claims(on: present, adopt: adopt, operation: .delete, generation: generation)
            let transaction = try Transaction.replace(with: Ruleset(), deleting: present.tables, generation: generation,
                                                      commit: true, socket: socket)
            try transaction.run(on: socket)
            return RemovalReport(families: present.tables.map(\.family), claims: claims)
        }
    }

    /// Why each existing table in `current` may be replaced or deleted: its mark, `adopt`, or
    /// the exact shape of a table an earlier spoofguard compiled (read in full only when its
    /// object names already fit). Throws for the first table that is another tool's.
    private func claims(on current: Ruleset, adopt: Bool, operation: ForeignTableError.Operation,
                        generation: UInt32) throws -> [TableClaim] {
        var claims: [TableClaim] = []
        for table in current.tables where !TableOwnership.isMarked(table) {
            let claim: TableOwnership.Claim
            if adopt {
                claim = .adopted
            } else if try hasEarlierVersionShape(family: table.family, name: table.name) {
                claim = .earlierVersion
            } else {
                // A table caught half-built by another process's commit is no verdict: only
                // one read at a settled generation may call the table someone else's.
                try requireGeneration(generation, "judging who owns \(table.family.rawValue) table \(table.name)")
                throw ForeignTableError(family: table.family, name: table.name, operation: operation)
            }
            claims.append(TableClaim(family: table.family, name: table.name, claim: claim))
        }
        return claims
    }

    /// Whether the table is exactly what spoofguard compiles (`CompiledShape`): first without
    /// its set elements, which rules out other tools' tables cheaply, then in full. Rules that
    /// spoofguard cannot even read make it someone else's; read failures are thrown (a
    /// concurrent change starts the operation over).
    private func hasEarlierVersionShape(family: TableFamily, name: String) throws -> Bool {
        let reader = KernelReader(socket: socket)
        do {
            guard let header = try reader.tables(named: name, families: [family], elements: false).first,
                  CompiledShape.hasCompiledNames(header),
                  let full = try reader.tables(named: name, families: [family]).first else { return false }
            return CompiledShape.matches(full)
        } catch is DelinearizeError {
            return false
        }
    }
}

/// An unmarked table that spoofguard replaced or deleted all the same, and why.
public struct TableClaim: Sendable, Equatable {
    public var family: TableFamily
    public var name: String
    public var claim: TableOwnership.Claim

    /// e.g. "took over table inet filter (--adopt)".
    public func describe(checked: Bool = false) -> String {
        let reason = claim == .adopted ? "--adopt" : "it has the exact shape of a table an earlier spoofguard compiled"
        return "\(checked ? "would take" : "took") over table \(family.rawValue) \(name), which had no ownership mark (\(reason))"
    }
}

public struct RemovalReport: Sendable {
    public var families: [TableFamily] = []
    /// The removed tables that had no ownership mark.
    public var claims: [TableClaim] = []
}

public struct ApplyReport: Sendable {
    public var changed = false
    public var checked: Bool
    public var tables: [String]
    public var rules: Int
    public var elements: Int
    /// Existing tables without the ownership mark that this apply took over.
    public var claims: [TableClaim] = []
    /// Netlink messages and bytes of the transaction, when one was sent.
    public var messages = 0
    public var batchBytes = 0
    /// What the kernel's netdev hooks accept, as probed for this apply.
    public var kernelFeatures: KernelFeatures?
    /// How the set elements loaded were proven equal to the policy's; nil when not (`--check`
    /// of a change).
    public var elementsProvenBy: ElementProofSource?
    /// The element record to keep for the next run: the elements loaded now, at the generation
    /// they were proven at. nil when nothing was proven.
    public var record: ElementRecord?
    /// The tables as read back after this apply's commit, at `record`'s generation and between
    /// two equal ones: what the policy proof digests, so that it need not read them again.
    public var readBack: LoadedTables?

    init(ruleset: Ruleset, checked: Bool) {
        self.checked = checked
        tables = ruleset.tables.map { "\($0.family.rawValue) \($0.name)" }
        rules = ruleset.ruleCount
        elements = ruleset.elementCount
    }
}

/// How a run knew the set elements in the kernel.
public enum ElementProofSource: String, Sendable, Codable {
    /// Dumped from the kernel and compared (the quadratic read).
    case dump
    /// The element record: the generation has not moved since spoofguard proved them.
    case record
    /// Right after this run's own commit: the generation is exactly the commit's and each
    /// set carries the digest of the elements sent.
    case commit
}

/// A read whose elements were proven by the dump or by the element record (`diff`).
public struct RecordedRead: Sendable {
    public var ruleset: Ruleset
    public var elementsProvenBy: ElementProofSource
    /// The record to keep: what was read, at the generation it was read at.
    public var record: ElementRecord?
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
