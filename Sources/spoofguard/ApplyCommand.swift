import ArgumentParser
import Glibc
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Load the policy into the kernel atomically; report whether anything changed.",
        discussion: """
        Compiles POLICY, reads spoofguard's table back and, when it differs, replaces it in one \
        nf_tables transaction; success is reported only after the table read back equals the policy. \
        Only spoofguard's own table is ever created, replaced or deleted: spoofguard marks every table it \
        writes (the table comment "managed by spoofguard") and refuses (exit 69) to replace an existing \
        table of the policy's name without that mark, in any family it manages, unless --adopt; a table \
        made by an earlier spoofguard (no mark, but exactly what spoofguard compiles) is taken over with a note.
        """)

    @Argument(help: "Policy file (JSON), or - for standard input.") var policy: String
    @OptionGroup var namespace: NamespaceOption
    @Flag(help: "Let the kernel validate the transaction without committing it (as `nft -c`).") var check = false
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Take over an existing table of the policy's name that spoofguard did not create (it lacks the ownership mark): its contents are replaced and it is marked from then on.")
    var adopt = false
    @Option(help: ArgumentHelp("Restore the previous table (or remove it if there was none) after SECONDS unless `spoofguard confirm` runs first.",
                               valueName: "SECONDS")) var revertAfter: UInt32?
    @Flag(help: "Keep what a pending `apply --revert-after` loaded (as `spoofguard confirm` does) and apply over it; without this, apply refuses while a revert is pending.")
    var confirm = false
    @OptionGroup var runtime: RuntimeDirectoryOption

    func validate() throws {
        if revertAfter == 0 { throw ValidationError("--revert-after needs at least 1 second") }
        if revertAfter != nil && check {
            throw ValidationError("--revert-after and --check exclude each other: a check commits nothing")
        }
        if revertAfter != nil && confirm {
            throw ValidationError("--revert-after and --confirm exclude each other: run `spoofguard confirm` first, then apply --revert-after")
        }
    }

    func run() throws {
        let policy = try loadPolicyOrExit(self.policy)
        let ruleset = Compiler.compile(policy)
        let report: ApplyReport
        let pending = try revertAfter.map { try startRevertTimer(table: policy.table, seconds: $0) }
        // A plain apply holds the pending-revert lock while it applies, so that no revert
        // timer starts underneath it, and refuses while one is pending: the revert would
        // silently undo it at the deadline.
        let held = (pending == nil && !check) ? try holdAgainstPendingRevert(table: policy.table) : nil
        defer { withExtendedLifetime(held) {} }
        do {
            report = try namespace.kernel().apply(ruleset, check: check, adopt: adopt)
        } catch {
            // An ApplyError means the transaction may have been committed (outcome unknown, or
            // read back different): keep the revert armed. Anything else changed nothing.
            if error is ApplyError, let revertAfter {
                printError("spoofguard: the revert stays armed: the previous table returns in \(revertAfter) s unless `spoofguard confirm` runs")
            } else {
                pending?.cancel()
            }
            throw KernelFailure.exit(for: error)
        }
        // Nothing changed, nothing to revert.
        if !report.changed { pending?.cancel() }
        let revertsIn = report.changed ? revertAfter : nil
        if json {
            printJSON { json in
                json.member("changed", report.changed)
                json.member("checked", report.checked)
                json.member("table", policy.table)
                json.member("tables", strings: report.tables)
                json.member("rules", report.rules)
                json.member("elements", report.elements)
                json.member("messages", report.messages)
                json.member("revert_after", revertsIn)
                // Tables without the ownership mark that were taken over, e.g. "inet filter".
                json.member("adopted", strings: report.claims.map { "\($0.family.rawValue) \($0.name)" })
                json.key("kernel_features")
                if let features = report.kernelFeatures { json.write(features.json) } else { json.null() }
            }
            return
        }
        for claim in report.claims { print("note: " + claim.describe(checked: check)) }
        let what = "\(report.tables.joined(separator: ", ")): \(report.rules) rules, \(report.elements) set elements"
        if check {
            print(report.messages == 0 ? "unchanged: the kernel already holds the policy (\(what))"
                                       : "check passed: the kernel accepts the transaction (\(what)); nothing was committed")
        } else {
            print(report.changed ? "applied \(what)" : "unchanged: the kernel already holds the policy (\(what))")
            if let revertsIn {
                print("reverting in \(revertsIn) s unless `spoofguard confirm\(confirmArguments)` runs first")
            }
        }
    }

    /// Refuses (69) while an `apply --revert-after` is pending, unless `--confirm`, which
    /// cancels it first. Returns the lock to hold while applying (nil when the runtime
    /// directory does not exist: then nothing can be pending).
    func holdAgainstPendingRevert(table: String) throws -> FileLock? {
        guard let state = try runtime.pendingRevert(namespace: namespace, table: table, create: false) else { return nil }
        switch try exitingOnRuntimeError({ () throws(RuntimeError) in try state.shareForApply() }) {
        case .acquired(let lock, _):
            return lock
        case .pending:
            guard confirm else {
                printError("spoofguard: an apply --revert-after is pending for table \(table.terminalEscaped): this apply would be undone at its deadline; run `spoofguard confirm\(confirmArguments)` first, or pass --confirm to keep what is loaded and apply over it")
                throw ExitCode.unavailable
            }
            if case .cancelled = try exitingOnRuntimeError({ () throws(RuntimeError) in try state.confirm() }) {
                printError("spoofguard: confirmed the pending apply --revert-after for table \(table.terminalEscaped); its revert is cancelled")
            }
            return nil
        }
    }

    var confirmArguments: String { namespace.netns.map { " --netns \($0.terminalEscaped)" } ?? "" }

    /// Starts the detached `revert-pending` process and waits until it has read the current
    /// tables and recorded the pending state; only then may the apply go ahead. The pending
    /// lock is taken here and handed to that process, which holds it until it ends.
    func startRevertTimer(table: String, seconds: UInt32) throws -> PendingRevertTimer {
        guard let state = try runtime.pendingRevert(namespace: namespace, table: table, create: true) else {
            preconditionFailure("created when absent")
        }
        let lock: FileLock
        switch try exitingOnRuntimeError({ () throws(RuntimeError) in try state.acquire() }) {
        case .pending(let record?):
            printError("spoofguard: an earlier apply --revert-after is still pending for table \(table.terminalEscaped) (revert process \(record.process.pid)); run `spoofguard confirm\(confirmArguments)` or wait for it to revert")
            throw ExitCode.unavailable
        case .pending(nil):
            printError("spoofguard: another apply of table \(table.terminalEscaped) is in progress (or an apply --revert-after is starting); nothing applied: run this again when it has finished")
            throw ExitCode.unavailable
        case .acquired(let taken, let stale):
            if let stale {
                printError("spoofguard: removed a stale pending-revert record: its revert process \(stale.process.pid) is gone")
            }
            lock = taken
        }
        var arguments = ["revert-pending", "--table", table, "--seconds", String(seconds),
                         "--runtime-dir", state.directory.path, "--lock-descriptor", String(Self.lockDescriptorInChild)]
        if let netns = namespace.netns { arguments += ["--netns", netns] }
        let (pid, line) = try spawnReportingFirstLine(arguments, passing: lock.descriptor, as: Self.lockDescriptorInChild)
        guard line.hasPrefix("ready") else {
            // "error CODE MESSAGE" from the timer: its exit code is this command's.
            let parts = line.split(separator: " ", maxSplits: 2)
            let code = parts.count == 3 && parts[0] == "error" ? Int32(parts[1]) : nil
            let message = (parts.count == 3 ? String(parts[2]) : line).filter { !$0.isNewline }
            printError("spoofguard: could not start the revert timer, nothing applied: \(message.terminalEscaped)")
            throw ExitCode(code ?? ExitCode.osError.rawValue)
        }
        return PendingRevertTimer(state: state, pid: pid)
    }

    static let lockDescriptorInChild: Int32 = 3
}

struct PendingRevertTimer {
    var state: PendingRevert
    /// This process's own child, unreaped: its pid cannot have been reused.
    var pid: Int32

    func cancel() {
        if state.claim() { kill(pid, SIGTERM) }
    }
}

/// Starts this executable again with `arguments` (stdin and stderr on /dev/null, stdout on a
/// pipe, `passing` as descriptor `as`, nothing else open) and reads the pipe until the child
/// closes it. Returns the child's pid and what it wrote.
func spawnReportingFirstLine(_ arguments: [String], passing descriptor: Int32, as target: Int32) throws -> (pid: pid_t, output: String) {
    var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &path, path.count - 1)
    guard length > 0 else { throw POSIXFailure(call: "readlink /proc/self/exe", code: errno) }
    let executable = String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw POSIXFailure(call: "pipe", code: errno) }
    // Neither end may leak into the child beyond the dup2 onto its stdout.
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // The timer outlives this process: it must not keep any other descriptor open (a pipe this
    // process inherited would make whoever reads it wait for the timer to end). dup2 clears
    // FD_CLOEXEC on the copy it makes.
    closeInheritedDescriptors(&actions, except: [descriptor, target])
    if descriptor == target {
        // dup2 onto itself may leave FD_CLOEXEC set: clear it here instead.
        _ = fcntl(descriptor, F_SETFD, 0)
    } else {
        posix_spawn_file_actions_adddup2(&actions, descriptor, target)
    }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    close(ends[1])
    defer { close(ends[0]) }
    guard spawned == 0 else { throw POSIXFailure(call: "posix_spawn \(executable)", code: spawned) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        bytes += chunk[0..<count]
    }
    return (pid, String(decoding: bytes, as: UTF8.self))
}

/// Adds a close action for every descriptor above 2 open now (read from /proc/self/fd), so that
/// the child holds nothing but its standard streams. (glibc's addclosefrom_np is not visible to Swift.)
func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t, except kept: Set<Int32>) {
    guard let listing = opendir("/proc/self/fd") else { return }
    let own = dirfd(listing)
    var descriptors: [Int32] = []
    while let entry = readdir(listing) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if let fd = Int32(name), fd > 2, fd != own { descriptors.append(fd) }
    }
    closedir(listing)
    for fd in descriptors where !kept.contains(fd) { posix_spawn_file_actions_addclose(&actions, fd) }
}
