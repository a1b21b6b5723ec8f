import Glibc
import SpoofGuard

/// The element record (`ElementRecord`) of one table in one network namespace, as a file in the
/// runtime directory: `elements-<cookie>-<table>.record`, written whole or not at all (O_EXCL
/// temporary file, then rename), mode 0600, and believed only when it is a regular file of
/// root's without group or other permissions, reached without following a symlink, and
/// written for this boot, this namespace cookie and this table. Anything else is ignored and
/// the sets are read from the kernel, as without a record.
public struct ElementRecordFile: Sendable {
    public let directory: RuntimeDirectory
    public let owner: ElementRecord.Owner

    public init(directory: RuntimeDirectory, owner: ElementRecord.Owner) {
        self.directory = directory
        self.owner = owner
    }

    public static let namePrefix = "elements-"
    public static let nameSuffix = ".record"
    /// A record of a few sets is a few hundred bytes.
    static let sizeLimit = 1 << 20
    /// Records of namespaces that are gone are never read again; beyond this many files the
    /// oldest are removed (a namespace whose record goes just reads its sets once more).
    public static let keptRecords = 256

    public var name: String { "\(Self.namePrefix)\(owner.namespaceCookie)-\(PercentEncoding.encode(owner.table))\(Self.nameSuffix)" }
    public var path: String { directory.path + "/" + name }

    public enum Loaded: Equatable {
        /// No record, or one of another boot: nothing to say.
        case absent
        /// A file that is not a record spoofguard wrote for this owner, or cannot be trusted;
        /// the reason says which, for a one-line warning.
        case rejected(String)
        case record(ElementRecord)
    }

    public func load() -> Loaded {
        switch directory.readPrivate(name, limit: Self.sizeLimit) {
        case .absent:
            return .absent
        case .untrusted(let reason):
            return .rejected(reason)
        case .contents(let bytes):
            do {
                return .record(try ElementRecord(decoding: bytes, for: owner))
            } catch where error.kind == .stale {
                return .absent
            } catch {
                return .rejected("\(path): \(error.reason)")
            }
        }
    }

    public func save(_ record: ElementRecord) throws(RuntimeError) {
        try directory.writeAtomically(name, record.encoded(for: owner))
        pruneOldRecords()
    }

    /// The record of this boot and namespace whose policy proof is for these policy bytes and
    /// this build (`PolicyProof`), with its table: what an unchanged apply or diff looks for
    /// before it knows the table's name. Reads only this namespace's record files (at most
    /// `keptRecords`), each trusted as `load` trusts it; one that is not is passed over
    /// silently (the full path that follows loads its own table's record, and warns).
    /// `policyDigest` is asked for only when a record holds a proof made by this build: a
    /// namespace without one (a first apply) never waits for the policy's hash.
    public static func proving(policyDigest: () -> [UInt8], buildID: [UInt8], in directory: RuntimeDirectory,
                               bootID: String, namespaceCookie: UInt64) -> (table: String, record: ElementRecord)? {
        let prefix = "\(namePrefix)\(namespaceCookie)-"
        let names = directory.names().filter { $0.hasPrefix(prefix) && $0.hasSuffix(nameSuffix) }.sorted().prefix(keptRecords)
        for name in names {
            guard let table = PercentEncoding.decode(name.dropFirst(prefix.count).dropLast(nameSuffix.count)) else { continue }
            let file = ElementRecordFile(directory: directory, owner: .init(bootID: bootID, namespaceCookie: namespaceCookie, table: table))
            guard file.name == name, case .record(let record) = file.load(), let proof = record.policy,
                  proof.buildID == buildID, proof.policyDigest == policyDigest() else { continue }
            return (table, record)
        }
        return nil
    }

    /// After `remove`: the table is gone, and so is what the record described.
    public func delete() { directory.remove(name) }

    /// Keeps the `keptRecords` most recently written records.
    func pruneOldRecords() {
        let records = directory.names().filter { $0.hasPrefix(Self.namePrefix) && $0.hasSuffix(Self.nameSuffix) }
        guard records.count > Self.keptRecords else { return }
        let byAge = records.compactMap { name in directory.modificationTime(of: name).map { (name, $0) } }
            .sorted { $0.1 < $1.1 }
        for (name, _) in byAge.prefix(records.count - Self.keptRecords) where name != self.name {
            directory.remove(name)
        }
    }
}

/// This boot's id (/proc/sys/kernel/random/boot_id), the same for every process until reboot.
public enum BootID {
    public static func current() -> String? {
        guard let text = readSmallFile("/proc/sys/kernel/random/boot_id") else { return nil }
        let id = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return ElementRecord.isBootID(Substring(id)) ? id : nil
    }
}
