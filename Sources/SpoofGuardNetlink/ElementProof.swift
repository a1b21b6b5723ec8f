import SpoofGuard

/// Compares the sets of tables read *without* their elements against the policy, through the
/// `ElementDigest` spoofguard stores in each set's user data when it creates it. The element
/// dump it saves is the expensive read: the kernel restarts its walk of an interval set for
/// every 32 KiB of reply, O(n²) — 0.6–0.9 s of system time at 100 k prefixes here.
///
/// A stored digest describes what the set held when it was created. It says nothing certain
/// about *now*: a constant set's elements are frozen only while a rule uses it, and
/// `nft replace rule` can unbind it, change its elements and bind it again with every handle
/// unchanged. So `apply` uses the verdict only where that cannot matter:
/// - `equal` right after its own commit, when the generation shows that nobody committed since:
///   the kernel then holds exactly what the acknowledged batch created, and the digests read
///   back confirm the sets are the ones it sent;
/// - `different` before a commit, to replace without dumping first: a stale digest can only
///   cause a replace that was not needed (reported as "applied", which it was), never a false
///   "unchanged". "Unchanged" is claimed from a full element dump, or from the element record
///   (`ElementRecord`): the generation has not moved since spoofguard proved the elements.
enum ElementProof {
    enum Verdict: Equatable {
        /// Every set carries the digest of the policy's elements for it.
        case equal
        /// Some set carries the digest of other elements.
        case different
        /// Some set carries no digest (e.g. the table was re-created by `nft -f` from a listing,
        /// which drops records nft does not know): only the element dump can tell.
        case unknown
    }

    /// The sets of `expected` whose elements `record` proves the kernel holds, with those
    /// elements: the record's digest for the set is the policy's. Only meaningful when the
    /// kernel's generation is the record's, checked at a settled read (see `ElementRecord`).
    static func proven(by record: ElementRecord, expected: Ruleset, encoded: EncodedSets) -> [SetPath: SetElements] {
        var known: [SetPath: SetElements] = [:]
        for table in expected.tables {
            for set in table.sets {
                let path = SetPath(family: table.family, table: table.name, set: set.name)
                if let digest = encoded.digests[path], record.digests[path] == digest { known[path] = set.elements }
            }
        }
        return known
    }

    /// Whether `record` proves every set of the policy: each has the policy's digest.
    static func provesAll(_ record: ElementRecord, expected: EncodedSets) -> Bool {
        expected.digests.allSatisfy { record.digests[$0.key] == $0.value }
    }

    /// Meaningful only when the tables read without elements already equal the policy apart from them.
    static func judge(expected: EncodedSets, digests: [SetPath: [UInt8]]) -> Verdict {
        var verdict = Verdict.equal
        for (path, digest) in expected.digests {
            guard let stored = digests[path] else {
                verdict = .unknown
                continue
            }
            if stored != digest { return .different }
        }
        return verdict
    }
}

/// Every set's elements in the kernel's encoding, with their digests: computed once per apply
/// and shared by the comparison and the transaction.
struct EncodedSets {
    var elements: [SetPath: PackedSetElements] = [:]
    var digests: [SetPath: [UInt8]] = [:]

    init(_ ruleset: Ruleset) throws(LinearizeError) {
        for table in ruleset.tables {
            for set in table.sets {
                let path = SetPath(family: table.family, table: table.name, set: set.name)
                let encoded = try SetElementEncoding.packed(set.elements, interval: set.flags.contains(.interval))
                elements[path] = encoded
                digests[path] = ElementDigest.of(encoded, key: set.key, flags: set.flags)
            }
        }
    }
}
