import FoundationEssentials
import Glibc
import SpoofGuard
import SpoofGuardNetlink

/// Where a pending `apply --revert-after` is recorded. One file per namespace and table, so a
/// confirm in one namespace never cancels another's revert. The file's existence *is* the
/// pending state: whoever unlinks it first (the reverter at the deadline, or `confirm`) decides.
struct PendingRevertFile {
    static let defaultDirectory = "/run/spoofguard"

    var directory: String
    var netns: String?
    var table: String

    /// `--runtime-dir`, else `SPOOFGUARD_RUNTIME_DIR`, else /run/spoofguard.
    init(directory: String?, netns: String?, table: String) {
        self.directory = directory ?? ProcessInfo.processInfo.environment["SPOOFGUARD_RUNTIME_DIR"] ?? Self.defaultDirectory
        self.netns = netns
        self.table = table
    }

    var path: String {
        let space = netns.map { "netns-" + Self.fileSafe($0) } ?? "host"
        return directory + "/pending-\(space)-\(Self.fileSafe(table)).json"
    }

    static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    struct Record: Codable {
        var pid: Int32
        var table: String
        var netns: String?
        var deadline: String
        /// What a revert restores, as `nft list` would print it; empty when the table was absent.
        var previous: String
    }

    var exists: Bool { access(path, F_OK) == 0 }

    func write(_ record: Record) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Written beside and renamed: a reader never sees half a record.
        let temporary = path + ".\(getpid()).tmp"
        try encoder.encode(record).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw POSIXFailure(call: "rename \(temporary)", code: errno) }
    }

    func read() -> Record? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Record.self, from: data)
    }

    /// Atomically claims the pending state. True when this caller removed it.
    func claim() -> Bool { unlink(path) == 0 }
}

struct POSIXFailure: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// The restore a pending revert performs: the tables as they were, or none at all.
enum Revert {
    /// Puts `previous` back: re-applies it, or deletes the tables when there were none. The
    /// listing is restored exactly; counters carry over from the replaced table, not from before.
    static func restore(_ previous: Ruleset, tableNames: Set<String>, in kernel: NetfilterKernel) throws {
        if previous.tables.isEmpty {
            for name in tableNames.sorted() { try kernel.remove(tableNamed: name) }
        } else {
            // Tables of the same name in other families that the new policy added are stale
            // for `apply`, so it deletes them in the same transaction.
            try kernel.apply(previous)
        }
    }
}
