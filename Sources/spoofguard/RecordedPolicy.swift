import ArgumentParser
import SpoofGuard
import SpoofGuardNetlink
import SpoofGuardRuntime
import SpoofGuardSystem

/// A policy's bytes as `apply` and `diff` read them, with their SHA-256: read once, hashed,
/// and decoded only when the element record cannot prove them loaded (`PolicyProof`).
struct PolicyBytes {
    let bytes: [UInt8]
    let source: String
    /// Hashing 100 k prefixes' worth of policy takes several milliseconds; on its own thread it
    /// overlaps the lookup of a record and, when there is none to match (a first apply), the
    /// decoding, and is joined only where the digest is needed.
    private let hashing: StartedThread<[UInt8]>?

    /// Reads `path` (or standard input for `-`) as `loadPolicyOrExit` does, with its errors.
    init(readingOrExit path: String) throws {
        source = Policy.source(of: path)
        do {
            bytes = try Policy.read(from: path)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
        let bytes = bytes
        hashing = try? StartedThread { SHA256.hash(bytes) }
    }

    /// The SHA-256 of the bytes (computed here if its thread could not start).
    var digest: [UInt8] { hashing?.join() ?? SHA256.hash(bytes) }

    /// Decodes the bytes; on failure prints every problem and exits 65, as `loadPolicyOrExit`.
    func decodeOrExit() throws -> Policy {
        do {
            return try Policy.decode(bytes, source: source)
        } catch {
            printError(error.description)
            throw ExitCode(error.exitCode)
        }
    }
}

/// How a run knew the policy: decoded and compiled, or proven loaded by the element record's
/// policy proof without either (`policy_proven_by` in `--json`).
enum PolicyProvenBy: String {
    case decode, record
}

/// The element record's policy proof, seen from the command line: finding the record that
/// proves these policy bytes in this namespace, and adding the proof to a record after the full
/// path proved the kernel holds the policy. Like the element record, a cache of a proof and
/// never a reason to fail: whatever is missing or does not match sends the run down the full
/// path, silently.
enum RecordedPolicy {
    /// The table and record whose policy proof is for these bytes and this build, in this
    /// boot and namespace; nil without a build-id, a namespace cookie, a boot id or a runtime
    /// directory. The caller still has to ask the kernel whether it holds (`stillHolds`).
    static func candidate(for policy: PolicyBytes, runtime: RuntimeDirectoryOption,
                          kernel: NetfilterKernel) -> (table: String, record: ElementRecord)? {
        guard let buildID = BuildID.current, let cookie = kernel.namespaceCookie(), let boot = BootID.current(),
              let directory = try? RuntimeDirectory.open(RuntimeDirectory.path(given: runtime.runtimeDir), create: false) else { return nil }
        return ElementRecordFile.proving(policyDigest: { policy.digest }, buildID: buildID, in: directory,
                                         bootID: boot, namespaceCookie: cookie)
    }

    /// `record` with the policy proof for `policy` compiled to `ruleset`, which the kernel was
    /// just proven to hold at `record.generation`; `record` without one when none can be made:
    /// no build-id, a ruleset that binds devices (whether the kernel can bind them depends on
    /// the devices present, which apply checks against the compiled ruleset), a generation
    /// that has moved since, or sets without the element digests the record holds.
    /// `readBack` is apply's own read after its commit, when it has one at the record's
    /// generation: the same read `loadedState` would make, not made twice.
    static func proving(_ record: ElementRecord?, policy: PolicyBytes, ruleset: Ruleset, table: String,
                        kernel: NetfilterKernel, readBack: LoadedTables? = nil) -> ElementRecord? {
        guard var record else { return nil }
        // A proof kept from an earlier run is replaced, or dropped when none can be made.
        record.policy = nil
        guard let buildID = BuildID.current, !ruleset.bindsDevices else { return record }
        let families = ruleset.tables.map(\.family)
        // A proof the next run could not match is not worth keeping: the sets must carry the
        // element digests the record holds.
        let reused = readBack.flatMap { $0.generation == record.generation ? (digest: $0.digest, setDigests: $0.setDigests) : nil }
        guard let loaded = reused ?? kernel.loadedState(of: table, families: families, at: record.generation),
              loaded.setDigests == record.digests.filter({ $0.key.table == table }) else { return record }
        record.policy = PolicyProof(policyDigest: policy.digest, buildID: buildID, loadedDigest: loaded.digest,
                                    families: families, rules: ruleset.ruleCount, elements: ruleset.elementCount)
        return record
    }
}
