internal import CNetfilter
import Glibc
import SpoofGuard

// Owned wrappers of libnftnl objects. Each frees its object in deinit; a child handed to a
// parent (`nftnl_rule_add_expr`, `nftnl_set_elem_add`) is owned by the parent from then on,
// so expressions and elements are added through the parent and never wrapped on their own.

func attribute<A: RawRepresentable>(_ value: A) -> UInt16 where A.RawValue: BinaryInteger { UInt16(value.rawValue) }
func attribute(_ value: Int) -> UInt16 { UInt16(value) }

final class NftTable {
    let pointer: OpaquePointer
    init() { pointer = nftnl_table_alloc() }
    deinit { nftnl_table_free(pointer) }

    convenience init(family: TableFamily, name: String, flags: TableFlags = [], comment: String? = nil) {
        self.init()
        nftnl_table_set_u32(pointer, attribute(NFTNL_TABLE_FAMILY), UInt32(family.nfproto))
        nftnl_table_set_str(pointer, attribute(NFTNL_TABLE_NAME), name)
        nftnl_table_set_u32(pointer, attribute(NFTNL_TABLE_FLAGS), flags.rawValue)
        if let comment {
            let data = UserData.comment(comment)
            nftnl_table_set_data(pointer, attribute(NFTNL_TABLE_USERDATA), data, UInt32(data.count))
        }
    }

    var name: String { string(nftnl_table_get_str(pointer, attribute(NFTNL_TABLE_NAME))) }
    var family: UInt32 { nftnl_table_get_u32(pointer, attribute(NFTNL_TABLE_FAMILY)) }
    var flags: UInt32 { nftnl_table_get_u32(pointer, attribute(NFTNL_TABLE_FLAGS)) }
    var userData: [UInt8] { data(nftnl_table_get_data, pointer, attribute(NFTNL_TABLE_USERDATA)) }

    func build(_ header: UnsafeMutablePointer<nlmsghdr>) { nftnl_table_nlmsg_build_payload(header, pointer) }
    func parse(_ header: UnsafePointer<nlmsghdr>) -> Bool { nftnl_table_nlmsg_parse(header, pointer) >= 0 }
}

final class NftChain {
    let pointer: OpaquePointer
    init() { pointer = nftnl_chain_alloc() }
    deinit { nftnl_chain_free(pointer) }

    convenience init(family: TableFamily, table: String, chain: Chain) {
        self.init()
        nftnl_chain_set_u32(pointer, attribute(NFTNL_CHAIN_FAMILY), UInt32(family.nfproto))
        nftnl_chain_set_str(pointer, attribute(NFTNL_CHAIN_TABLE), table)
        nftnl_chain_set_str(pointer, attribute(NFTNL_CHAIN_NAME), chain.name)
        guard let base = chain.base else { return }
        nftnl_chain_set_str(pointer, attribute(NFTNL_CHAIN_TYPE), base.type.rawValue)
        nftnl_chain_set_u32(pointer, attribute(NFTNL_CHAIN_POLICY), base.policy.kernelValue)
        if HookDevices.needsOwnEncoding(base.devices) {
            // libnftnl writes the hook nest only with HOOKNUM and PRIO set: leave both out and
            // write the nest with its device prefixes in `build`.
            ownHook = (base.hook.kernelNumber(in: family), base.priority.rawValue, base.devices)
            return
        }
        nftnl_chain_set_u32(pointer, attribute(NFTNL_CHAIN_HOOKNUM), base.hook.kernelNumber(in: family))
        nftnl_chain_set_s32(pointer, attribute(NFTNL_CHAIN_PRIO), base.priority.rawValue)
        if base.devices.count == 1 {
            nftnl_chain_set_str(pointer, attribute(NFTNL_CHAIN_DEV), base.devices[0])
        } else if base.devices.count > 1 {
            // libnftnl copies a NULL-terminated array of strings.
            let strings = base.devices.map { strdup($0) }
            defer { strings.forEach { free($0) } }
            var array: [UnsafePointer<CChar>?] = strings.map { UnsafePointer($0) } + [nil]
            nftnl_chain_set_data(pointer, attribute(NFTNL_CHAIN_DEVICES), &array,
                                 UInt32(MemoryLayout<UnsafePointer<CChar>?>.stride * base.devices.count))
        }
    }

    var name: String { string(nftnl_chain_get_str(pointer, attribute(NFTNL_CHAIN_NAME))) }
    var table: String { string(nftnl_chain_get_str(pointer, attribute(NFTNL_CHAIN_TABLE))) }
    var family: UInt32 { nftnl_chain_get_u32(pointer, attribute(NFTNL_CHAIN_FAMILY)) }

    /// The IR chain (without rules), or nil for a base chain whose hook spoofguard cannot name.
    func chain(family: TableFamily) throws(DelinearizeError) -> Chain {
        guard nftnl_chain_is_set(pointer, attribute(NFTNL_CHAIN_HOOKNUM)) else { return Chain(name: name) }
        let hookNumber = nftnl_chain_get_u32(pointer, attribute(NFTNL_CHAIN_HOOKNUM))
        let typeName = string(nftnl_chain_get_str(pointer, attribute(NFTNL_CHAIN_TYPE)))
        guard let hook = Hook(kernelNumber: hookNumber, family: family),
              let type = ChainType(rawValue: typeName) else {
            throw DelinearizeError(expression: nil, reason: "chain \(name) has hook \(hookNumber) / type \(typeName), which spoofguard does not model")
        }
        return Chain(name: name, base: BaseChain(type: type, hook: hook, priority: priority, policy: policy,
                                                 devices: devices))
    }

    var policy: ChainPolicy { nftnl_chain_get_u32(pointer, attribute(NFTNL_CHAIN_POLICY)) == 0 ? .drop : .accept }
    var priority: Priority { Priority(rawValue: nftnl_chain_get_s32(pointer, attribute(NFTNL_CHAIN_PRIO))) }

    /// A hook whose devices include a prefix, written by `HookDevices` instead of libnftnl.
    private var ownHook: (number: UInt32, priority: Int32, devices: [String])?
    /// The devices read from a dump by `HookDevices`, when libnftnl refused the message's list.
    private var readDevices: [String]?

    /// The hook's devices (one in NFTNL_CHAIN_DEV, several in NFTNL_CHAIN_DEVICES, or read by
    /// `HookDevices` when the list holds a prefix), sorted.
    var devices: [String] {
        if let readDevices { return readDevices.sorted() }
        var devices: [String] = []
        if nftnl_chain_is_set(pointer, attribute(NFTNL_CHAIN_DEV)) {
            devices = [string(nftnl_chain_get_str(pointer, attribute(NFTNL_CHAIN_DEV)))]
        } else if nftnl_chain_is_set(pointer, attribute(NFTNL_CHAIN_DEVICES)),
                  let raw = nftnl_chain_get(pointer, attribute(NFTNL_CHAIN_DEVICES)) {
            var entry = raw.assumingMemoryBound(to: UnsafePointer<CChar>?.self)
            while let name = entry.pointee {
                devices.append(String(cString: name))
                entry += 1
            }
        }
        return devices.sorted()
    }

    func build(_ header: UnsafeMutablePointer<nlmsghdr>) {
        nftnl_chain_nlmsg_build_payload(header, pointer)
        if let ownHook {
            HookDevices.put(header, hook: ownHook.number, priority: ownHook.priority, devices: ownHook.devices)
        }
    }

    /// libnftnl 1.2.4 refuses a device list holding NFTA_DEVICE_PREFIX: then the list is read by
    /// `HookDevices` and libnftnl parses a copy whose list attribute is retyped to
    /// NFTA_HOOK_UNSPEC (which it skips), so that everything else still comes from libnftnl.
    func parse(_ header: UnsafePointer<nlmsghdr>) -> Bool {
        if nftnl_chain_nlmsg_parse(header, pointer) >= 0 { return true }
        let message = UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len))
        guard let devices = HookDevices.read(message), let offset = HookDevices.listOffset(in: message) else { return false }
        var copy = [UInt8](message)
        copy.withUnsafeMutableBytes { $0.storeBytes(of: UInt16(0), toByteOffset: offset + 2, as: UInt16.self) }
        let parsed = copy.withUnsafeBytes { nftnl_chain_nlmsg_parse($0.baseAddress!.assumingMemoryBound(to: nlmsghdr.self), pointer) }
        guard parsed >= 0 else { return false }
        readDevices = devices
        return true
    }
}

final class NftSet {
    let pointer: OpaquePointer
    init() { pointer = nftnl_set_alloc() }
    deinit { nftnl_set_free(pointer) }

    /// A set definition (no elements) as nft 1.0.6 sends it.
    /// `elementDigest` goes into the user data after nft's records (see `ElementDigest`).
    convenience init(family: TableFamily, table: String, set: NamedSet, id: UInt32, elementDigest: [UInt8]? = nil) {
        self.init(family: family, table: table, name: set.name, id: id)
        nftnl_set_set_u32(pointer, attribute(NFTNL_SET_FLAGS), set.flags.rawValue)
        nftnl_set_set_u32(pointer, attribute(NFTNL_SET_KEY_TYPE), set.keyTypeID)
        nftnl_set_set_u32(pointer, attribute(NFTNL_SET_KEY_LEN), set.key.length)
        let data = UserData.set(key: set.key, rawKey: set.rawKey, comment: set.comment, elementDigest: elementDigest)
        nftnl_set_set_data(pointer, attribute(NFTNL_SET_USERDATA), data, UInt32(data.count))
    }

    /// The identity part only: what NEWSETELEM and GETSETELEM name.
    convenience init(family: TableFamily, table: String, name: String, id: UInt32? = nil) {
        self.init()
        nftnl_set_set_u32(pointer, attribute(NFTNL_SET_FAMILY), UInt32(family.nfproto))
        nftnl_set_set_str(pointer, attribute(NFTNL_SET_TABLE), table)
        nftnl_set_set_str(pointer, attribute(NFTNL_SET_NAME), name)
        if let id { nftnl_set_set_u32(pointer, attribute(NFTNL_SET_ID), id) }
    }

    var name: String { string(nftnl_set_get_str(pointer, attribute(NFTNL_SET_NAME))) }
    var table: String { string(nftnl_set_get_str(pointer, attribute(NFTNL_SET_TABLE))) }
    var flags: UInt32 { nftnl_set_get_u32(pointer, attribute(NFTNL_SET_FLAGS)) }
    var keyType: UInt32 { nftnl_set_get_u32(pointer, attribute(NFTNL_SET_KEY_TYPE)) }
    var keyLength: UInt32 { nftnl_set_get_u32(pointer, attribute(NFTNL_SET_KEY_LEN)) }
    var userData: [UInt8] { data(nftnl_set_get_data, pointer, attribute(NFTNL_SET_USERDATA)) }

    /// Appends the elements this set holds (as parsed from a dump message) to `result`.
    func appendElements(to result: inout [KernelSetElement]) {
        guard let iterator = nftnl_set_elems_iter_create(pointer) else { return }
        defer { nftnl_set_elems_iter_destroy(iterator) }
        while let element = nftnl_set_elems_iter_next(iterator) {
            var length: UInt32 = 0
            let key = nftnl_set_elem_get(element, attribute(NFTNL_SET_ELEM_KEY), &length)
            let bytes = key.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
            let flags = nftnl_set_elem_is_set(element, attribute(NFTNL_SET_ELEM_FLAGS))
                ? nftnl_set_elem_get_u32(element, attribute(NFTNL_SET_ELEM_FLAGS)) : 0
            result.append(KernelSetElement(key: bytes, isIntervalEnd: flags & UInt32(NFT_SET_ELEM_INTERVAL_END.rawValue) != 0))
        }
    }

    func build(_ header: UnsafeMutablePointer<nlmsghdr>) { nftnl_set_nlmsg_build_payload(header, pointer) }
    /// Adds one element as a libnftnl object of its own, the way libnftnl builds an element list:
    /// the reference that `buildElements(_:_:_:)` is held to byte for byte (SetElementMessageTests).
    func add(_ element: KernelSetElement) {
        let raw = nftnl_set_elem_alloc()!
        element.key.withUnsafeBytes { bytes in
            _ = nftnl_set_elem_set(raw, attribute(NFTNL_SET_ELEM_KEY), bytes.baseAddress, UInt32(bytes.count))
        }
        if element.isIntervalEnd {
            nftnl_set_elem_set_u32(raw, attribute(NFTNL_SET_ELEM_FLAGS), UInt32(NFT_SET_ELEM_INTERVAL_END.rawValue))
        }
        nftnl_set_elem_add(pointer, raw)   // the set owns it now
    }

    func buildElements(_ header: UnsafeMutablePointer<nlmsghdr>) { nftnl_set_elems_nlmsg_build_payload(header, pointer) }

    /// NEWSETELEM's payload for `elements[range]`: byte for byte what
    /// `nftnl_set_elems_nlmsg_build_payload` writes for this set holding those elements (the
    /// set's identity, then a list nest of element nests numbered from 1, each holding the
    /// interval-end flag when set and the key), without a libnftnl object and a dozen calls per
    /// element: 200 k elements at 100 k prefixes. SetElementMessageTests holds it to libnftnl's.
    func buildElements(_ header: UnsafeMutablePointer<nlmsghdr>, _ elements: PackedSetElements, _ range: Range<Int>) {
        nftnl_set_elems_nlmsg_build_payload(header, pointer)   // the identity: this object holds no elements
        guard !range.isEmpty else { return }
        let list = mnl_attr_nest_start(header, attribute(NFTA_SET_ELEM_LIST_ELEMENTS))
        let keyLength = elements.keyLength, paddedKey = (keyLength + 3) & ~3
        let nested = UInt16(NLA_F_NESTED)
        let intervalEnd = UInt32(NFT_SET_ELEM_INTERVAL_END.rawValue).bigEndian
        // The buffer is zeroed (`MessageBuffer`), so padding needs no writing.
        var tail = UnsafeMutableRawPointer(mnl_nlmsg_get_payload_tail(header)!)
        elements.keys.withUnsafeBytes { keys in
            for (position, index) in range.enumerated() {
                let isEnd = elements.intervalEnds[index]
                let size = 4 + (isEnd ? 8 : 0) + 8 + paddedKey
                func attributeHeader(_ offset: Int, length: Int, type: UInt16) {
                    tail.storeBytes(of: UInt16(length), toByteOffset: offset, as: UInt16.self)
                    tail.storeBytes(of: type, toByteOffset: offset + 2, as: UInt16.self)
                }
                attributeHeader(0, length: size, type: UInt16(position + 1) | nested)
                var at = 4
                if isEnd {
                    attributeHeader(at, length: 8, type: attribute(NFTA_SET_ELEM_FLAGS))
                    tail.storeBytes(of: intervalEnd, toByteOffset: at + 4, as: UInt32.self)
                    at += 8
                }
                attributeHeader(at, length: 8 + paddedKey, type: attribute(NFTA_SET_ELEM_KEY) | nested)
                attributeHeader(at + 4, length: 4 + keyLength, type: attribute(NFTA_DATA_VALUE))
                (tail + at + 8).copyMemory(from: keys.baseAddress! + index * keyLength, byteCount: keyLength)
                tail += size
                header.pointee.nlmsg_len += UInt32(size)
            }
        }
        mnl_attr_nest_end(header, list)
    }
    func parse(_ header: UnsafePointer<nlmsghdr>) -> Bool { nftnl_set_nlmsg_parse(header, pointer) >= 0 }
    func parseElements(_ header: UnsafePointer<nlmsghdr>) -> Bool { nftnl_set_elems_nlmsg_parse(header, pointer) >= 0 }
}

final class NftRule {
    let pointer: OpaquePointer
    init() { pointer = nftnl_rule_alloc() }
    deinit { nftnl_rule_free(pointer) }

    convenience init(family: TableFamily, table: String, chain: String, comment: String?, expressions: [KernelExpression]) {
        self.init()
        nftnl_rule_set_u32(pointer, attribute(NFTNL_RULE_FAMILY), UInt32(family.nfproto))
        nftnl_rule_set_str(pointer, attribute(NFTNL_RULE_TABLE), table)
        nftnl_rule_set_str(pointer, attribute(NFTNL_RULE_CHAIN), chain)
        if let comment {
            let data = UserData.comment(comment)
            nftnl_rule_set_data(pointer, attribute(NFTNL_RULE_USERDATA), data, UInt32(data.count))
        }
        for expression in expressions { nftnl_rule_add_expr(pointer, NftExpression.make(expression)) }
    }

    var table: String { string(nftnl_rule_get_str(pointer, attribute(NFTNL_RULE_TABLE))) }
    var chain: String { string(nftnl_rule_get_str(pointer, attribute(NFTNL_RULE_CHAIN))) }
    var handle: UInt64 { nftnl_rule_get_u64(pointer, attribute(NFTNL_RULE_HANDLE)) }
    var comment: String? { UserData.comment(in: data(nftnl_rule_get_data, pointer, attribute(NFTNL_RULE_USERDATA))) }

    func expressions() throws(DelinearizeError) -> [KernelExpression] {
        var result: [KernelExpression] = []
        guard let iterator = nftnl_expr_iter_create(pointer) else { return result }
        defer { nftnl_expr_iter_destroy(iterator) }
        while let expression = nftnl_expr_iter_next(iterator) {
            result.append(try NftExpression.read(expression))
        }
        return result
    }

    func build(_ header: UnsafeMutablePointer<nlmsghdr>) { nftnl_rule_nlmsg_build_payload(header, pointer) }
    func parse(_ header: UnsafePointer<nlmsghdr>) -> Bool { nftnl_rule_nlmsg_parse(header, pointer) >= 0 }
}

/// Expressions live inside a rule; these build and read them.
enum NftExpression {
    static func make(_ expression: KernelExpression) -> OpaquePointer {
        func new(_ name: String) -> OpaquePointer { nftnl_expr_alloc(name)! }
        func setBytes(_ e: OpaquePointer, _ attr: Int, _ bytes: [UInt8]) {
            bytes.withUnsafeBytes { _ = nftnl_expr_set(e, attribute(attr), $0.baseAddress, UInt32($0.count)) }
        }
        switch expression {
        case let .meta(key, destination):
            let e = new("meta")
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_META_KEY), key.rawValue)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_META_DREG), destination)
            return e
        case let .payload(base, offset, length, destination):
            let e = new("payload")
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_PAYLOAD_DREG), destination)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_PAYLOAD_BASE), base.rawValue)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_PAYLOAD_OFFSET), offset)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_PAYLOAD_LEN), length)
            return e
        case let .cmp(op, source, bytes):
            let e = new("cmp")
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_CMP_SREG), source)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_CMP_OP), op.rawValue)
            setBytes(e, NFTNL_EXPR_CMP_DATA, bytes)
            return e
        case let .bitwise(source, destination, mask, xor):
            let e = new("bitwise")
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_BITWISE_SREG), source)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_BITWISE_DREG), destination)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_BITWISE_LEN), UInt32(mask.count))
            setBytes(e, NFTNL_EXPR_BITWISE_MASK, mask)
            setBytes(e, NFTNL_EXPR_BITWISE_XOR, xor)
            return e
        case let .lookup(set, setID, source, inverted):
            let e = new("lookup")
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_LOOKUP_SREG), source)
            nftnl_expr_set_str(e, attribute(NFTNL_EXPR_LOOKUP_SET), set)
            if let setID { nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_LOOKUP_SET_ID), setID) }
            if inverted { nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_LOOKUP_FLAGS), UInt32(NFT_LOOKUP_F_INV.rawValue)) }
            return e
        case let .counter(packets, bytes):
            let e = new("counter")
            nftnl_expr_set_u64(e, attribute(NFTNL_EXPR_CTR_PACKETS), packets)
            nftnl_expr_set_u64(e, attribute(NFTNL_EXPR_CTR_BYTES), bytes)
            return e
        case let .log(prefix, group):
            let e = new("log")
            if let prefix { nftnl_expr_set_str(e, attribute(NFTNL_EXPR_LOG_PREFIX), prefix) }
            if let group { nftnl_expr_set_u16(e, attribute(NFTNL_EXPR_LOG_GROUP), group) }
            return e
        case let .limit(rate, unit, burst):
            let e = new("limit")
            nftnl_expr_set_u64(e, attribute(NFTNL_EXPR_LIMIT_RATE), rate)
            nftnl_expr_set_u64(e, attribute(NFTNL_EXPR_LIMIT_UNIT), unit)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_LIMIT_BURST), burst)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_LIMIT_TYPE), UInt32(NFT_LIMIT_PKTS.rawValue))
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_LIMIT_FLAGS), 0)
            return e
        case let .reject(type, code):
            let e = new("reject")
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_REJECT_TYPE), type)
            nftnl_expr_set_u8(e, attribute(NFTNL_EXPR_REJECT_CODE), code)
            return e
        case let .verdict(verdict):
            let e = new("immediate")
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_IMM_DREG), KernelRegister.verdict)
            nftnl_expr_set_u32(e, attribute(NFTNL_EXPR_IMM_VERDICT), UInt32(bitPattern: verdict.kernelCode))
            if let chain = verdict.chain { nftnl_expr_set_str(e, attribute(NFTNL_EXPR_IMM_CHAIN), chain) }
            return e
        }
    }

    static func read(_ e: OpaquePointer) throws(DelinearizeError) -> KernelExpression {
        let name = String(cString: nftnl_expr_get_str(e, attribute(NFTNL_EXPR_NAME)))
        func u32(_ attr: Int) -> UInt32 { nftnl_expr_get_u32(e, attribute(attr)) }
        func u64(_ attr: Int) -> UInt64 { nftnl_expr_get_u64(e, attribute(attr)) }
        func has(_ attr: Int) -> Bool { nftnl_expr_is_set(e, attribute(attr)) }
        func bytes(_ attr: Int) -> [UInt8] {
            var length: UInt32 = 0
            guard let raw = nftnl_expr_get(e, attribute(attr), &length) else { return [] }
            return Array(UnsafeRawBufferPointer(start: raw, count: Int(length)))
        }
        func str(_ attr: Int) -> String? { has(attr) ? nftnl_expr_get_str(e, attribute(attr)).map { String(cString: $0) } : nil }
        switch name {
        case "meta":
            guard has(NFTNL_EXPR_META_DREG), let key = MetaKey(rawValue: u32(NFTNL_EXPR_META_KEY)) else { break }
            return .meta(key, destination: u32(NFTNL_EXPR_META_DREG))
        case "payload":
            guard has(NFTNL_EXPR_PAYLOAD_DREG), let base = PayloadBase(rawValue: u32(NFTNL_EXPR_PAYLOAD_BASE)) else { break }
            return .payload(base, offset: u32(NFTNL_EXPR_PAYLOAD_OFFSET), length: u32(NFTNL_EXPR_PAYLOAD_LEN),
                            destination: u32(NFTNL_EXPR_PAYLOAD_DREG))
        case "cmp":
            guard let op = CmpOperator(rawValue: u32(NFTNL_EXPR_CMP_OP)) else { break }
            return .cmp(op, source: u32(NFTNL_EXPR_CMP_SREG), data: bytes(NFTNL_EXPR_CMP_DATA))
        case "bitwise":
            guard !has(NFTNL_EXPR_BITWISE_OP) || u32(NFTNL_EXPR_BITWISE_OP) == 0 /* NFT_BITWISE_BOOL */ else { break }
            return .bitwise(source: u32(NFTNL_EXPR_BITWISE_SREG), destination: u32(NFTNL_EXPR_BITWISE_DREG),
                            mask: bytes(NFTNL_EXPR_BITWISE_MASK), xor: bytes(NFTNL_EXPR_BITWISE_XOR))
        case "lookup":
            guard !has(NFTNL_EXPR_LOOKUP_DREG), let set = str(NFTNL_EXPR_LOOKUP_SET) else { break }
            let flags = has(NFTNL_EXPR_LOOKUP_FLAGS) ? u32(NFTNL_EXPR_LOOKUP_FLAGS) : 0
            return .lookup(set: set, setID: nil, source: u32(NFTNL_EXPR_LOOKUP_SREG),
                           inverted: flags & UInt32(NFT_LOOKUP_F_INV.rawValue) != 0)
        case "counter":
            return .counter(packets: u64(NFTNL_EXPR_CTR_PACKETS), bytes: u64(NFTNL_EXPR_CTR_BYTES))
        case "log":
            // The kernel reports its defaults back (level 4; snaplen and qthreshold 0 with a group).
            let group = has(NFTNL_EXPR_LOG_GROUP) ? nftnl_expr_get_u16(e, attribute(NFTNL_EXPR_LOG_GROUP)) : nil
            if has(NFTNL_EXPR_LOG_LEVEL), u32(NFTNL_EXPR_LOG_LEVEL) != 4 { break }
            if has(NFTNL_EXPR_LOG_FLAGS), u32(NFTNL_EXPR_LOG_FLAGS) != 0 { break }
            if has(NFTNL_EXPR_LOG_SNAPLEN), u32(NFTNL_EXPR_LOG_SNAPLEN) != 0 { break }
            return .log(prefix: str(NFTNL_EXPR_LOG_PREFIX), group: group)
        case "limit":
            guard u32(NFTNL_EXPR_LIMIT_TYPE) == UInt32(NFT_LIMIT_PKTS.rawValue), u32(NFTNL_EXPR_LIMIT_FLAGS) == 0 else { break }
            return .limit(rate: u64(NFTNL_EXPR_LIMIT_RATE), unit: u64(NFTNL_EXPR_LIMIT_UNIT), burst: u32(NFTNL_EXPR_LIMIT_BURST))
        case "reject":
            return .reject(type: u32(NFTNL_EXPR_REJECT_TYPE), code: nftnl_expr_get_u8(e, attribute(NFTNL_EXPR_REJECT_CODE)))
        case "immediate":
            guard u32(NFTNL_EXPR_IMM_DREG) == KernelRegister.verdict,
                  let verdict = Verdict(kernelCode: Int32(bitPattern: u32(NFTNL_EXPR_IMM_VERDICT)), chain: str(NFTNL_EXPR_IMM_CHAIN))
            else { break }
            return .verdict(verdict)
        default:
            break
        }
        var buffer = [CChar](repeating: 0, count: 512)
        nftnl_expr_snprintf(&buffer, buffer.count, e, UInt32(NFTNL_OUTPUT_DEFAULT.rawValue), 0)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw DelinearizeError(expression: nil, reason: "kernel expression [ \(name) \(text) ] is not one spoofguard models")
    }
}

private func string(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }

private func data(_ getter: (OpaquePointer, UInt16, UnsafeMutablePointer<UInt32>) -> UnsafeRawPointer?,
                  _ object: OpaquePointer, _ attr: UInt16) -> [UInt8] {
    var length: UInt32 = 0
    guard let raw = getter(object, attr, &length) else { return [] }
    return Array(UnsafeRawBufferPointer(start: raw, count: Int(length)))
}
