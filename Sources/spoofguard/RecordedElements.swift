import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime

/// The element record (`ElementRecord`) of one table in the namespace a kernel connection
/// talks to, kept in the runtime directory between runs: what lets an unchanged `apply` and
/// `diff` skip the element dump. It is a cache of a proof, never a reason to fail: a record
/// that is missing or of another boot is silently not used; one that cannot be trusted or read
/// is not used with a one-line warning; the sets are then read from the kernel as without it.
struct RecordedElements {
    let runtimePath: String
    /// nil when the kernel has no namespace cookie (before 5.14) or the boot id is unreadable.
    let owner: ElementRecord.Owner?
    private(set) var loaded: ElementRecord?

    /// Loads the record; a runtime directory that does not exist is not created to read.
    init(runtime: RuntimeDirectoryOption, kernel: NetfilterKernel, table: String) {
        runtimePath = RuntimeDirectory.path(given: runtime.runtimeDir)
        guard let cookie = kernel.namespaceCookie(), let boot = BootID.current() else {
            owner = nil
            return
        }
        let owner = ElementRecord.Owner(bootID: boot, namespaceCookie: cookie, table: table)
        self.owner = owner
        do {
            guard let directory = try RuntimeDirectory.open(runtimePath, create: false) else { return }
            switch ElementRecordFile(directory: directory, owner: owner).load() {
            case .absent: break
            case .rejected(let reason): Self.warn("ignored the element record (\(reason))")
            case .record(let record): loaded = record
            }
        } catch {
            Self.warn("ignored the element record (\(error))")
        }
    }

    /// Keeps `record` for the next run unless it is the one loaded; `create` makes the runtime
    /// directory when it does not exist yet (apply does, read-only commands do not).
    func keep(_ record: ElementRecord?, create: Bool) {
        guard let record, let owner, record != loaded else { return }
        do {
            guard let directory = try RuntimeDirectory.open(runtimePath, create: create) else { return }
            try ElementRecordFile(directory: directory, owner: owner).save(record)
        } catch {
            printError("spoofguard: warning: could not keep the element record (\(error)); the next unchanged run reads the set elements from the kernel".terminalEscaped)
        }
    }

    static func warn(_ what: String) {
        printError("spoofguard: warning: \(what); the set elements are read from the kernel".terminalEscaped)
    }
}
