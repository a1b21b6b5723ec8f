internal import CNetfilter
import Glibc
import SpoofGuard

/// One nf_tables transaction (BATCH_BEGIN … BATCH_END), with every message's seq mapped to
/// what it does and which policy entry produced it, so that any error can name both.
struct Transaction {
    struct Origin {
        var operation: String
        var policyEntry: String?
    }

    let buffer: MessageBuffer
    private(set) var origins: [UInt32: Origin] = [:]

    private init(capacity: Int = 1 << 20) {
        buffer = MessageBuffer(capacity: capacity)
    }

    /// Replace spoofguard's tables in one batch, in nft's order: for each table NEWTABLE
    /// (ensure it exists), DELTABLE, NEWTABLE (EXCL), then chains, sets, elements, rules.
    /// `generation` makes the kernel refuse the batch (ERESTART) if the ruleset changed since it was read.
    /// `encoded` holds the sets' elements when the caller already encoded them (`EncodedSets(ruleset)`).
    static func replace(with ruleset: Ruleset, deleting stale: [Table], generation: UInt32?, commit: Bool,
                        socket: NetlinkSocket, encoded: EncodedSets? = nil) throws -> Transaction {
        let encoded = try encoded ?? EncodedSets(ruleset)
        // Room for every element from the start (at most its key and 32 bytes of attributes):
        // growing a 4 MiB batch by doubling copies it and touches twice the pages.
        let elementBytes = encoded.elements.values.reduce(0) { $0 + $1.count * ($1.keyLength + 32) }
        var transaction = Transaction(capacity: (1 << 20) + elementBytes)
        transaction.begin(seq: socket.takeSeq(), generation: generation)
        var nextSetID: UInt32 = 1
        let create = NLM_F_CREATE
        for table in stale {
            let nft = NftTable(family: table.family, name: table.name)
            transaction.add(.delTable, family: table.family, flags: 0, seq: socket.takeSeq(),
                            Origin(operation: "deleting stale \(table.family.rawValue) table \(table.name)"), build: nft.build)
        }
        for table in ruleset.tables {
            let family = table.family
            let label = "\(family.rawValue) table \(table.name)"
            let bare = NftTable(family: family, name: table.name)
            transaction.add(.newTable, family: family, flags: create, seq: socket.takeSeq(),
                            Origin(operation: "ensuring \(label) exists"), build: bare.build)
            transaction.add(.delTable, family: family, flags: 0, seq: socket.takeSeq(),
                            Origin(operation: "deleting the previous \(label)"), build: bare.build)
            let full = NftTable(family: family, name: table.name, flags: table.flags, comment: table.comment)
            transaction.add(.newTable, family: family, flags: create | NLM_F_EXCL, seq: socket.takeSeq(),
                            Origin(operation: "creating \(label)"), build: full.build)
            for chain in table.chains {
                let nft = NftChain(family: family, table: table.name, chain: chain)
                var operation = "creating chain \(chain.name) in \(label)"
                if let base = chain.base {
                    operation += " (hook \(base.hook.rawValue)\(base.devices.isEmpty ? "" : ", devices \(base.devices.joined(separator: ", "))"))"
                }
                transaction.add(.newChain, family: family, flags: create, seq: socket.takeSeq(),
                                Origin(operation: operation, policyEntry: chain.base.map { _ in "hooks" }), build: nft.build)
            }
            var setIDs: [String: UInt32] = [:]
            for set in table.sets {
                let id = nextSetID
                nextSetID += 1
                setIDs[set.name] = id
                let origin = Origin(operation: "creating set \(set.name) in \(label)", policyEntry: set.comment ?? set.name)
                let path = SetPath(family: family, table: table.name, set: set.name)
                let nft = NftSet(family: family, table: table.name, set: set, id: id, elementDigest: encoded.digests[path])
                transaction.add(.newSet, family: family, flags: create, seq: socket.takeSeq(), origin, build: nft.build)
                guard let elements = encoded.elements[path] else { continue }
                // Element lists are nested attributes (64 KiB at most): send them in chunks.
                let identity = NftSet(family: family, table: table.name, name: set.name, id: id)
                var start = 0
                while start < elements.count {
                    let end = min(start + 1024, elements.count)
                    transaction.add(.newSetElement, family: family, flags: create, seq: socket.takeSeq(),
                                    Origin(operation: "adding elements \(start)…\(end - 1) to set \(set.name) in \(label)",
                                           policyEntry: set.comment ?? set.name)) { header in
                        identity.buildElements(header, elements, start..<end)
                    }
                    start = end
                }
            }
            for chain in table.chains {
                for (index, rule) in chain.rules.enumerated() {
                    let expressions = try Linearize.expressions(for: rule, family: family, setIDs: setIDs)
                    let nft = NftRule(family: family, table: table.name, chain: chain.name, comment: rule.comment,
                                      expressions: expressions)
                    transaction.add(.newRule, family: family, flags: create | NLM_F_APPEND, seq: socket.takeSeq(),
                                    Origin(operation: "adding rule \(index + 1) of chain \(chain.name) in \(label)",
                                           policyEntry: rule.comment),
                                    build: nft.build)
                }
            }
        }
        if commit {
            let seq = socket.takeSeq()
            transaction.buffer.append { nftnl_batch_end($0, seq) }
        }
        return transaction
    }

    /// BATCH_BEGIN (with `generation`) and BATCH_END and nothing between: the kernel takes its
    /// commit mutex to check the generation (ERESTART if it moved) and commits nothing.
    static func barrier(generation: UInt32, socket: NetlinkSocket) -> Transaction {
        var transaction = Transaction()
        transaction.begin(seq: socket.takeSeq(), generation: generation)
        let seq = socket.takeSeq()
        transaction.buffer.append { nftnl_batch_end($0, seq) }
        return transaction
    }

    private mutating func begin(seq: UInt32, generation: UInt32?) {
        buffer.append({ nftnl_batch_begin($0, seq) }) { header in
            if let generation { mnl_attr_put_u32(header, UInt16(NFNL_BATCH_GENID.rawValue), generation.bigEndian) }
        }
        origins[seq] = Origin(operation: "starting the nf_tables transaction")
    }

    private mutating func add(_ type: NftMessage, family: TableFamily, flags: Int32, seq: UInt32, _ origin: Origin,
                              build: (UnsafeMutablePointer<nlmsghdr>) -> Void) {
        origins[seq] = origin
        buffer.append(type, family: family, flags: flags, seq: seq, payload: build)
    }

    /// Sends the batch and maps the first error to its origin. The kernel validates and
    /// commits (or aborts) inside `sendmsg`, so all replies are queued when it returns.
    func run(on socket: NetlinkSocket, receiveBuffer: Int? = nil) throws(NetlinkError) {
        // Errors arrive even without NLM_F_ACK; size the receive buffer for one per message.
        socket.raiseBuffer(send: false, to: receiveBuffer ?? max(1 << 20, buffer.messageCount * 1024))
        try socket.send(buffer.bytes, operation: "sending the nf_tables transaction (\(buffer.messageCount) messages, \(buffer.length) bytes)")
        let acks = try socket.drainAcks(operation: "reading the kernel's replies to the transaction")
        let failures = acks.filter { $0.errno != 0 }
        // The kernel reports each failing message; the first one is the cause, later ones follow from the abort.
        let errors = failures.sorted { $0.seq < $1.seq }.map { ack in
            let origin = origins[ack.seq]
            var operation = origin?.operation ?? "message \(ack.seq) of the transaction"
            if let offset = ack.offset, let place = buffer.describeAttribute(seq: ack.seq, offset: offset) {
                operation += ", at \(place)"
            }
            var error = NetlinkError(errno: ack.errno, operation: operation, policyEntry: origin?.policyEntry, kernelMessage: ack.message)
            error.isKernelReply = true
            return error
        }
        if var first = errors.first {
            first.otherFailures = errors.dropFirst().map { error in
                var brief = "\(error.operation): \(error.errnoName)"
                if let entry = error.policyEntry { brief += " (policy entry \"\(entry)\")" }
                return brief
            }
            throw first
        }
    }
}
