/// What spoofguard last proved the sets of its table held, and at which nf_tables generation:
/// kept between runs (the runtime directory's element record) so that an unchanged re-apply or
/// `diff` can skip the kernel's quadratic element dump. nf_tables bumps the generation of a
/// network namespace with every commit, by anyone, and set elements change only by a commit
/// (spoofguard's sets have no timeouts and are never updated from the packet path), so while
/// the generation is the recorded one the sets still hold what the digests describe.
/// Everything else (table, chains, rules, set definitions) is still read every time: it is
/// cheap, and spoofguard does not rely on all of it changing only by a commit (a netdev chain's
/// devices follow devices that come and go).
public struct ElementRecord: Sendable, Equatable {
    public var generation: UInt32
    /// `ElementDigest` of each set's elements, as spoofguard sends them.
    public var digests: [SetPath: [UInt8]]
    /// What lets an unchanged run skip decoding and compiling the policy as well; nil when
    /// the run that made the record could not prove it (no build-id, a policy that binds
    /// devices, a difference).
    public var policy: PolicyProof?

    public init(generation: UInt32, digests: [SetPath: [UInt8]], policy: PolicyProof? = nil) {
        self.generation = generation
        self.digests = digests
        self.policy = policy
    }

    /// Whom a record belongs to: one boot (a reboot restarts generations and cookies), one
    /// network namespace (its cookie, never reused within a boot) and one table name.
    public struct Owner: Sendable, Equatable {
        /// /proc/sys/kernel/random/boot_id.
        public var bootID: String
        /// SO_NETNS_COOKIE of a socket in the namespace.
        public var namespaceCookie: UInt64
        public var table: String

        public init(bootID: String, namespaceCookie: UInt64, table: String) {
            self.bootID = bootID
            self.namespaceCookie = namespaceCookie
            self.table = table
        }
    }

    /// Why a stored record is not used. `stale` is a record of another boot, or of an earlier
    /// format version: expected after a reboot with a runtime directory that survives it, or an
    /// upgrade, and not worth a warning. `malformed`
    /// is anything spoofguard cannot have written for this owner (truncated, garbled, another
    /// namespace or table under this one's name): it warrants one.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable { case stale, malformed }
        public var kind: Kind
        public var reason: String

        public var description: String { reason }
    }
}

/// The record's file format: a versioned header, the policy proof (`policy none` without one),
/// one line per set, a trailer that counts them (so that a file cut at a line boundary is
/// refused too). Names are `PercentEncoding` tokens, digests lower-case hex of
/// `ElementDigest.storedLength` bytes; the policy line holds the policy's SHA-256, the build-id,
/// the loaded tables' digest, the rules and elements, and the families.
///
///     spoofguard element record 2
///     boot 0f8c7a5e-6c1b-4d53-9a1e-2b7c0d9e4f11
///     netns-cookie 4097
///     table spoofguard
///     generation 1234
///     policy 9f86…08 4c3e…a1 e3b0…55 12 100007 inet,netdev
///     set inet source_ipv4 01…
///     end 1
extension ElementRecord {
    public static let version = 2
    public static let magic = "spoofguard element record \(version)"
    /// The header of every version, to tell an older record (stale) from a foreign file.
    static let magicPrefix = "spoofguard element record "
    /// Far above any real record (a few sets per table and family).
    public static let maximumSets = 4096

    public func encoded(for owner: Owner) -> [UInt8] {
        var lines = [Self.magic, "boot \(owner.bootID)", "netns-cookie \(owner.namespaceCookie)",
                     "table \(PercentEncoding.encode(owner.table))", "generation \(generation)",
                     "policy " + (policy.map(Self.encode) ?? "none")]
        let sets = digests.filter { $0.key.table == owner.table }.sorted { $0.key < $1.key }
        for (path, digest) in sets {
            lines.append("set \(path.family.rawValue) \(PercentEncoding.encode(path.set)) \(Self.hex(digest))")
        }
        lines.append("end \(sets.count)")
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The record in `bytes` if it is one spoofguard wrote for `owner`; throws `Rejection` otherwise.
    public init(decoding bytes: [UInt8], for owner: Owner) throws(Rejection) {
        func malformed(_ line: Int, _ reason: String) -> Rejection {
            Rejection(kind: .malformed, reason: "line \(line): \(reason)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Rejection(kind: .malformed, reason: "not UTF-8 text")
        }
        guard bytes.last == UInt8(ascii: "\n") else { throw Rejection(kind: .malformed, reason: "truncated: no final newline") }
        // By scalars, not characters: "\r\n" is one Character and must not pass for a line end.
        let lines = text.unicodeScalars.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map { Substring($0) }
        func value(_ index: Int, _ name: String) throws(Rejection) -> Substring {
            guard index < lines.count else { throw malformed(index + 1, "truncated: `\(name)` missing") }
            let line = lines[index]
            guard line.hasPrefix(name + " ") else { throw malformed(index + 1, "expected `\(name) …`") }
            return line.dropFirst(name.count + 1)
        }
        guard lines.first == Substring(Self.magic) else {
            if let first = lines.first, first.hasPrefix(Self.magicPrefix),
               let version = Self.decimal(first.dropFirst(Self.magicPrefix.count), as: Int.self), version < Self.version {
                throw Rejection(kind: .stale, reason: "an element record of version \(version)")
            }
            throw malformed(1, "not a spoofguard element record (version \(Self.version))")
        }
        let boot = try value(1, "boot")
        guard Self.isBootID(boot) else { throw malformed(2, "not a boot id") }
        guard let cookie = Self.decimal(try value(2, "netns-cookie"), as: UInt64.self) else { throw malformed(3, "not a namespace cookie") }
        guard let table = PercentEncoding.decode(try value(3, "table")) else { throw malformed(4, "not a table name") }
        guard let generation = Self.decimal(try value(4, "generation"), as: UInt32.self) else { throw malformed(5, "not a generation") }
        let policyText = try value(5, "policy")
        var policy: PolicyProof?
        if policyText != "none" {
            guard let proof = Self.policyProof(policyText) else {
                throw malformed(6, "expected `policy none` or `policy DIGEST BUILD-ID DIGEST RULES ELEMENTS FAMILIES`")
            }
            policy = proof
        }
        var digests: [SetPath: [UInt8]] = [:]
        var index = 6
        while index < lines.count, lines[index].hasPrefix("set ") {
            let fields = lines[index].split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 4, let family = TableFamily(rawValue: String(fields[1])),
                  let set = PercentEncoding.decode(fields[2]), let digest = Self.bytes(fromHex: fields[3]),
                  digest.count == ElementDigest.storedLength else {
                throw malformed(index + 1, "expected `set FAMILY NAME DIGEST`")
            }
            let path = SetPath(family: family, table: table, set: set)
            guard digests.updateValue(digest, forKey: path) == nil else { throw malformed(index + 1, "set \(path) twice") }
            guard digests.count <= Self.maximumSets else { throw malformed(index + 1, "more than \(Self.maximumSets) sets") }
            index += 1
        }
        guard let count = Self.decimal(try value(index, "end"), as: Int.self), count == digests.count else {
            throw malformed(index + 1, "truncated: the trailer does not count \(digests.count) sets")
        }
        guard index == lines.count - 1 else { throw malformed(index + 2, "text after the trailer") }
        // Well formed: now whose it is. Another boot's is merely old; another namespace's or
        // table's under this name was not written here by spoofguard.
        guard boot == Substring(owner.bootID) else {
            throw Rejection(kind: .stale, reason: "recorded in another boot")
        }
        guard cookie == owner.namespaceCookie else {
            throw Rejection(kind: .malformed, reason: "records namespace cookie \(cookie), not this namespace's \(owner.namespaceCookie)")
        }
        guard table == owner.table else {
            throw Rejection(kind: .malformed, reason: "records table \(table.debugDescription), not \(owner.table.debugDescription)")
        }
        self.init(generation: generation, digests: digests, policy: policy)
    }

    static func encode(_ proof: PolicyProof) -> String {
        [hex(proof.policyDigest), hex(proof.buildID), hex(proof.loadedDigest), String(proof.rules), String(proof.elements),
         proof.families.map(\.rawValue).joined(separator: ",")].joined(separator: " ")
    }

    static func policyProof(_ text: Substring) -> PolicyProof? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 6,
              let policy = bytes(fromHex: fields[0]), policy.count == SHA256.digestLength,
              let buildID = bytes(fromHex: fields[1]), PolicyProof.buildIDLengths.contains(buildID.count),
              let loaded = bytes(fromHex: fields[2]), loaded.count == SHA256.digestLength,
              let rules = decimal(fields[3], as: Int.self), let elements = decimal(fields[4], as: Int.self) else { return nil }
        let families = fields[5].split(separator: ",", omittingEmptySubsequences: false).map { TableFamily(rawValue: String($0)) }
        guard !families.isEmpty, families.count <= TableFamily.allCases.count, !families.contains(nil) else { return nil }
        return PolicyProof(policyDigest: policy, buildID: buildID, loadedDigest: loaded, families: families.compactMap { $0 },
                           rules: rules, elements: elements)
    }

    /// Only the canonical spelling: digits without sign or leading zeros.
    static func decimal<T: FixedWidthInteger>(_ text: Substring, as: T.Type) -> T? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              text == "0" || !text.hasPrefix("0") else { return nil }
        return T(text)
    }

    /// The kernel's form: 36 characters, lower-case hex in groups of 8-4-4-4-12.
    public static func isBootID(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        return bytes.indices.allSatisfy { index in
            [8, 13, 18, 23].contains(index) ? bytes[index] == UInt8(ascii: "-") : isLowerHex(bytes[index])
        }
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(fromHex text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, digits.allSatisfy(isLowerHex) else { return nil }
        func nibble(_ byte: UInt8) -> UInt8 { byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : byte - UInt8(ascii: "a") + 10 }
        return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }
}
