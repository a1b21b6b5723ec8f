import SpoofGuard

/// spoofguard's tables read without set elements (the cheap parts) in one settled read at
/// `generation`, with the element digest each set carries in its user data.
public struct LoadedTables: Sendable {
    public var generation: UInt32
    public var tables: Ruleset
    public var setDigests: [SetPath: [UInt8]]

    /// Their `PolicyProof.loadedDigest`.
    public var digest: [UInt8] { PolicyProof.loadedDigest(of: tables, setDigests: setDigests) }
}

extension NetfilterKernel {
    /// The tables called `table` (in the managed families and `families`) as the kernel holds
    /// them at `generation`, read without set elements (the cheap parts: tables, chains, rules,
    /// set definitions): their `PolicyProof.loadedDigest`, and the element digest each set
    /// carries in its user data. nil when the generation is not `generation` before or after
    /// the read (a commit in flight or since), or the read fails: then there is nothing to
    /// record or to trust, and the caller takes the full path.
    public func loadedState(of table: String, families: [TableFamily], at generation: UInt32)
        -> (digest: [UInt8], setDigests: [SetPath: [UInt8]])? {
        do {
            guard try self.generation() == generation, try isSettled(at: generation) else { return nil }
            var digests: [SetPath: [UInt8]] = [:]
            let tables = try read(tablesNamed: [table], families: Self.managedFamilies.union(families), elements: .none, digests: &digests)
            // The read is several dumps: only an unmoved generation shows they saw one ruleset.
            guard try isSettled(at: generation) else { return nil }
            let loaded = LoadedTables(generation: generation, tables: tables, setDigests: digests)
            return (loaded.digest, loaded.setDigests)
        } catch {
            return nil
        }
    }

    /// Whether the kernel still holds what `record`'s policy proof says spoofguard proved for
    /// `table`: nothing committed since (the generation is the recorded one), the tables read
    /// without elements hash to the recorded digest (a netdev chain's devices, for one, change
    /// without a commit), and every set carries exactly the element digest the record proves
    /// (as `ElementProof.provesAll` asks of the element record on the full path).
    public func stillHolds(_ record: ElementRecord, table: String) -> Bool {
        guard let proof = record.policy,
              let loaded = loadedState(of: table, families: proof.families, at: record.generation) else { return false }
        return loaded.digest == proof.loadedDigest && loaded.setDigests == record.digests.filter { $0.key.table == table }
    }
}
