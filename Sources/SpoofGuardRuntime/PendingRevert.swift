import FoundationEssentials
import Glibc
import SpoofGuard

/// The pending state of one `apply --revert-after`, per network namespace (by identity, not by
/// how it was spelled) and table. Two files in the runtime directory:
/// - `<stem>.lock`, flock'ed by the revert process for its whole life: "a revert is pending"
///   means exactly "this lock is held", which no stale file and no reused pid can fake, and
///   which admits one revert process at a time;
/// - `<stem>.json`, the record: who the revert process is and what it will restore. Whoever
///   unlinks it first (the revert process at the deadline, or `confirm`) decides.
public struct PendingRevert: Sendable {
    public let directory: RuntimeDirectory
    public let namespace: FileIdentity
    public let table: String

    public init(directory: RuntimeDirectory, namespace: FileIdentity, table: String) {
        self.directory = directory
        self.namespace = namespace
        self.table = table
    }

    var stem: String { "revert-\(namespace.device)-\(namespace.inode)-\(Self.fileNamePart(table))" }
    public var lockName: String { stem + ".lock" }
    public var recordName: String { stem + ".json" }
    /// Where a revert process that failed leaves its report for an operator.
    public var failureReportName: String { stem + ".revert-failed" }

    /// `text` as a file name, one to one (`PercentEncoding`).
    static func fileNamePart(_ text: String) -> String { PercentEncoding.encode(text) }

    public struct Record: Codable, Sendable {
        /// The revert process, as `confirm` checks it before signalling.
        public var process: ProcessIdentity
        public var table: String
        /// `--netns` as given, for messages; the identity is what counts.
        public var netns: String?
        public var namespace: FileIdentity
        public var deadline: String
        /// What a revert restores, as `nft list` would print it; empty when the table was absent.
        public var previous: String

        public init(process: ProcessIdentity, table: String, netns: String?, namespace: FileIdentity,
                    deadline: String, previous: String) {
            self.process = process
            self.table = table
            self.netns = netns
            self.namespace = namespace
            self.deadline = deadline
            self.previous = previous
        }
    }

    /// Records larger than this are not read: a listing of a 1M-prefix table is ~30 MB.
    static let recordLimit = 256 << 20

    public enum Acquisition {
        /// Nothing pending: the lock is the caller's while it lives. `removedStale` is the
        /// record of a revert process that is gone (killed), removed now.
        case acquired(FileLock, removedStale: Record?)
        /// A revert process holds the lock (its record, when it is readable), or plain applies
        /// hold it shared (no record).
        case pending(Record?)
    }

    /// A plain `apply` takes the lock shared for as long as it applies: plain applies do not
    /// exclude each other, a revert timer cannot start underneath one, and one cannot start
    /// while a revert is pending (then the record of the revert process that holds the lock
    /// exclusively is returned instead).
    public func shareForApply() throws(RuntimeError) -> Acquisition {
        guard let lock = try lockStillLinked(shared: true) else { return .pending(readRecord()) }
        return .acquired(lock, removedStale: nil)
    }

    /// Takes the lock, or finds the revert process that holds it. A record left by a process
    /// that no longer holds the lock is stale and removed, so it blocks nothing.
    public func acquire() throws(RuntimeError) -> Acquisition {
        guard let lock = try lockStillLinked(shared: false) else { return .pending(readRecord()) }
        let stale = readRecord()
        let removed = directory.remove(recordName)
        return .acquired(lock, removedStale: removed ? stale : nil)
    }

    /// The lock file, locked; nil while another holder excludes this lock. `release` unlinks
    /// the file when its last holder is done, so a lock taken on a file unlinked between open
    /// and flock guards nothing: open again.
    /// A shared request that fails is asked again a few times, 2 ms apart: another plain apply
    /// holds the lock exclusively for the instant in which it releases it (a revert process
    /// holds it for seconds).
    func lockStillLinked(shared: Bool) throws(RuntimeError) -> FileLock? {
        var refusals = 0
        while true {
            guard let lock = try directory.openLock(lockName, create: true) else { preconditionFailure("created") }
            guard try lock.tryLock(shared: shared) else {
                refusals += 1
                guard shared && refusals < 5 else { return nil }
                usleep(2_000)
                continue
            }
            if lock.identity != nil && lock.identity == directory.identity(of: lockName) { return lock }
        }
    }

    /// Ends a plain apply's (or remove's) hold: when no one else holds the lock, the file is
    /// unlinked, so that the runtime directory does not keep one empty lock file for every
    /// namespace ever applied in. Anyone who opened it meanwhile finds it unlinked once locked
    /// and opens a new one (`lockStillLinked`).
    public func release(_ lock: FileLock) {
        // flock converts shared to exclusive by dropping and re-taking: failing, the hold is
        // simply over, which it is about to be anyway.
        guard (try? lock.tryLock()) == true, lock.identity == directory.identity(of: lockName) else { return }
        directory.remove(lockName)
    }

    public func readRecord() -> Record? {
        guard let bytes = directory.read(recordName, limit: Self.recordLimit) else { return nil }
        return try? JSONDecoder().decode(Record.self, from: Data(bytes))
    }

    public func write(_ record: Record) throws(RuntimeError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(record) } catch { throw RuntimeError(.system, "encoding the pending record: \(error)") }
        try directory.writeAtomically(recordName, Array(data))
    }

    /// Claims the pending state: true when this caller removed the record (and so decides).
    public func claim() -> Bool { directory.remove(recordName) }

    public enum Confirmation {
        /// Nothing was pending.
        case nothingPending
        /// A record was left by a revert process that has gone (it held no lock): removed.
        case stale(Record?)
        /// The pending revert is cancelled. `signalled` is false when the record did not name
        /// the live revert process (forged or garbled): no process was signalled; the revert
        /// process finds no record at its deadline and restores nothing.
        case cancelled(Record?, signalled: Bool)
    }

    /// `confirm`: cancels the pending revert, and ends its process only when the record names
    /// that very process (pid, start time and executable as recorded), never another.
    public func confirm() throws(RuntimeError) -> Confirmation {
        switch try acquire() {
        case .acquired(_, let stale):
            return stale == nil ? .nothingPending : .stale(stale)
        case .pending(let record):
            guard claim() else { return .nothingPending }  // the deadline came first
            guard let record, record.namespace == namespace, record.table == table, record.process.isRunning,
                  record.process.executable == ProcessIdentity.current()?.executable else {
                return .cancelled(record, signalled: false)
            }
            return .cancelled(record, signalled: kill(record.process.pid, SIGTERM) == 0)
        }
    }
}
