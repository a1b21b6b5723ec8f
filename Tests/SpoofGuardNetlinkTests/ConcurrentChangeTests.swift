import Foundation
import SpoofGuard
@testable import SpoofGuardNetlink
import Testing
import SpoofGuardTestSupport

/// Issue 19, finding 6: reads and applies racing another process's remove/re-apply of the same
/// table retry from a fresh generation and succeed, and a read never returns half a table.
@Suite(.serialized, .kernel)
struct ConcurrentChangeTests {
    /// 20,000 prefixes: an element dump spans many 32 KiB rounds (about 20 ms), long enough for
    /// a concurrent commit to land inside it, short enough for the test to take a few seconds.
    static let prefixes = 20_000
    static let writerCycles = 6

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }

    /// Another process's loop: remove the table (unless `removing` is false) and re-apply it,
    /// with pauses so that a reader that starts over gets a quiet window. Runs on its own thread
    /// with its own socket. An apply whose table someone else changed right after its commit
    /// reports that (`readBackDiffers`), which is not a failure here.
    static func startWriter(_ namespace: NetworkNamespace, _ ruleset: Ruleset, removing: Bool = true,
                            pause: UInt32 = 250_000, failures: Failures) -> DispatchGroup {
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            do {
                let writer = try NetfilterKernel(namespace: namespace)
                for _ in 0..<writerCycles {
                    if removing {
                        try writer.remove(tableNamed: "spoofguard")
                        usleep(50_000)
                    }
                    do {
                        try writer.apply(ruleset)
                    } catch ApplyError.readBackDiffers(_, _, replacedBy: _?) {}
                    usleep(pause)
                }
            } catch {
                failures.add("writer: \(error)")
            }
        }
        return group
    }

    /// `body`'s result, or nil (counted) when it ran out of retries with `ConcurrentChangeError`.
    static func unlessExhausted<T>(_ body: () throws -> T, _ exhausted: inout Int) throws -> T? {
        do {
            return try body()
        } catch let error as ConcurrentChangeError {
            #expect(error.description.contains("changed underneath spoofguard"), "\(error)")
            exhausted += 1
            return nil
        }
    }

    @Test func readsRetryAndNeverSeeHalfATable() throws {
        let ruleset = ScaleTests.ruleset(prefixes: Self.prefixes)
        let ns = try TestNamespace()
        try ns.kernel().apply(ruleset)
        let failures = Failures()
        let writer = Self.startWriter(ns.namespace, ruleset, failures: failures)
        let reader = try ns.kernel()
        var reads = 0, whole = 0, exhausted = 0
        while writer.wait(timeout: .now()) == .timedOut {
            // Under churn that outlasts every retry (a loaded machine, a sanitizer build) the
            // read gives up with the bounded, explained error: that is the contract, not a race.
            guard let loaded = try Self.unlessExhausted({ try reader.read(tablesNamed: ["spoofguard"]) }, &exhausted) else { continue }
            reads += 1
            if loaded.tables.isEmpty { continue }
            #expect(loaded.kernelComparable == ruleset.kernelComparable)
            whole += 1
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(reader.retries > 0, "\(reads) reads, none interrupted: the test did not race")
        #expect(whole > 0, "\(exhausted) reads ran out of retries, none saw the table whole")
    }

    @Test func unchangedReapplyRetriesAndSucceeds() throws {
        let ruleset = ScaleTests.ruleset(prefixes: Self.prefixes)
        let ns = try TestNamespace()
        try ns.kernel().apply(ruleset)
        let failures = Failures()
        // An apply reads, compares and commits: it needs longer quiet windows than a read.
        let writer = Self.startWriter(ns.namespace, ruleset, pause: 600_000, failures: failures)
        let applier = try ns.kernel()
        var applied = 0, exhausted = 0
        while writer.wait(timeout: .now()) == .timedOut {
            if try Self.unlessExhausted({ try applier.apply(ruleset) }, &exhausted) != nil { applied += 1 }
        }
        // Quiet again: the next apply must succeed at once.
        try applier.apply(ruleset)
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(applier.retries > 0)
        #expect(applied > 0, "\(exhausted) applies ran out of retries, none succeeded during the churn")
        #expect(try ns.kernel().read(tablesNamed: ["spoofguard"]).kernelComparable == ruleset.kernelComparable)
    }

    @Test func removeRetriesOnAConcurrentCommit() throws {
        let ruleset = ScaleTests.ruleset(prefixes: Self.prefixes)
        let ns = try TestNamespace()
        try ns.kernel().apply(ruleset)
        let failures = Failures()
        let writer = Self.startWriter(ns.namespace, ruleset, removing: false, failures: failures)
        let remover = try ns.kernel()
        var removed = 0, exhausted = 0
        while writer.wait(timeout: .now()) == .timedOut {
            if let result = try Self.unlessExhausted({ try remover.remove(tableNamed: "spoofguard") }, &exhausted),
               !result.families.isEmpty { removed += 1 }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(removed > 0)
        #expect(remover.retries > 0)
    }
}
