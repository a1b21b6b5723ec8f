// libFuzzer target: Delinearize over arbitrary expression lists, as a kernel dump of a table
// someone else edited could hold. The bytes are decoded into `[KernelExpression]` by a tiny
// structured decoder (one tag byte per expression, then its fields), biased towards the
// registers, offsets, lengths and keys nft really uses so that deep paths are reached.
//
// Invariant: Delinearize throws or returns a rule. A returned rule must linearize again, and
// delinearizing that gives the same rule back. (Delinearize accepts several kernel forms of one
// statement — short and masked prefix loads, implied dependencies — so linearize(delinearize(e))
// need not equal e; the IR is the fixed point.)

struct FuzzBytes {
    var bytes: UnsafeRawBufferPointer
    var index = 0
    var atEnd: Bool { index >= bytes.count }
    mutating func byte() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }
    mutating func pick<T>(_ values: [T]) -> T { values[Int(byte()) % values.count] }
    mutating func data() -> [UInt8] {
        let count = pick([0, 1, 2, 4, 4, 16, 16, 3, 5, 15, 17, 32])
        return (0..<count).map { _ in byte() }
    }
    mutating func register() -> UInt32 { pick([1, 1, 1, 0, 2, 8, 9, 255]) }
    mutating func offset() -> UInt32 { pick([12, 16, 8, 24, 0, 9, 20, 26, 30, 40, 6, 22]) }
    mutating func length() -> UInt32 { pick([4, 16, 1, 2, 3, 8, 0, 5, 17, 12]) }
    mutating func string() -> String {
        String(decoding: (0..<Int(byte() % 12)).map { _ in pick(Array("abc_xyz01*".utf8)) }, as: UTF8.self)
    }

    mutating func expression() -> KernelExpression {
        switch byte() % 11 {
        case 0: .meta(pick([.protocol, .inputInterfaceName, .nfproto, .l4proto]), destination: register())
        case 1: .payload(pick([.link, .network, .transport]), offset: offset(), length: length(), destination: register())
        case 2: .cmp(pick([.equal, .notEqual]), source: register(), data: data())
        case 3: .bitwise(source: register(), destination: register(), mask: data(), xor: data())
        case 4: .lookup(set: pick(["source_ipv4", "source_ipv6", "destination_ipv4", "external_interfaces", string()]),
                        setID: byte() % 2 == 0 ? nil : UInt32(byte()), source: register(), inverted: byte() % 4 == 0)
        case 5: .counter(packets: UInt64(byte()), bytes: UInt64(byte()))
        case 6: .log(prefix: byte() % 2 == 0 ? nil : string(), group: byte() % 2 == 0 ? nil : UInt16(byte()))
        case 7: .limit(rate: UInt64(byte()), unit: pick([1, 60, 3600, 86400, 0, 7]), burst: UInt32(byte()))
        case 8: .reject(type: UInt32(byte() % 4), code: byte())
        case 9: .verdict(pick([.accept, .drop, .continue, .return, .jump(string()), .goto(string())]))
        default:
            // nft's commonest sequences, to get past the first checks often.
            .cmp(.equal, source: 1, data: pick([[2], [10], [6], [0x08, 0x00], [0x86, 0xdd], [127, 0, 0, 0]]))
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDelinearize(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    var input = FuzzBytes(bytes: UnsafeRawBufferPointer(start: data, count: size))
    let family = input.pick([TableFamily.inet, .ip, .ip6, .netdev, .bridge, .arp])
    var expressions: [KernelExpression] = []
    while !input.atEnd && expressions.count < 64 { expressions.append(input.expression()) }
    guard let rule = try? Delinearize.rule(expressions, family: family) else { return 0 }
    let again: [KernelExpression]
    do {
        again = try Linearize.expressions(for: rule, family: family)
    } catch {
        fatalError("Delinearize accepted \(expressions) as \(rule), which Linearize refuses: \(error)")
    }
    guard let back = try? Delinearize.rule(again, family: family), back == rule else {
        fatalError("\(expressions) → \(rule) → \(again) does not delinearize to the same rule")
    }
    return 0
}
