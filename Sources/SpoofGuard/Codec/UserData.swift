/// nftnl user data (TLV: type byte, length byte, value) that nft stores with objects and
/// reads back to print them: a set's key byte order, a rule's or set's comment.
public enum UserData {
    /// `NFTNL_UDATA_SET_*` and `NFTNL_UDATA_RULE_COMMENT` type numbers.
    static let setKeyByteOrder: UInt8 = 0
    static let setMergeElements: UInt8 = 2
    static let setKeyTypeof: UInt8 = 3
    static let setComment: UInt8 = 7
    /// spoofguard's own record (`ElementDigest`): far above nft's types, which nft skips.
    static let setElementDigest: UInt8 = 0xf0
    static let ruleComment: UInt8 = 0
    static let tableComment: UInt8 = 0

    /// nft's `enum byteorder`: interface names are host order, addresses big endian.
    public static func keyByteOrder(_ key: SetKey) -> UInt32 {
        key == .interfaceName ? 1 : 2
    }

    /// What nft 1.0.6 stores for a named set: the key byte order (u32, host order), the merge
    /// flag only for `auto-merge` sets, and the comment (NUL terminated).
    /// spoofguard adds its `ElementDigest` after them when given one.
    public static func set(key: SetKey, rawKey: RawPayload? = nil, autoMerge: Bool = false, comment: String? = nil,
                           elementDigest: [UInt8]? = nil) -> [UInt8] {
        var tlv = record(setKeyByteOrder, u32(keyByteOrder(key)))
        if autoMerge { tlv += record(setMergeElements, u32(1)) }
        if let rawKey { tlv += record(setKeyTypeof, typeof(rawKey)) }
        if let comment { tlv += record(setComment, Array(comment.utf8) + [0]) }
        if let elementDigest { tlv += record(setElementDigest, elementDigest) }
        return tlv
    }

    /// nft's `typeof` record for a raw payload key (seen with `nft --debug=mnl`, 1.0.6):
    /// the expression kind (7, payload) and, nested, the protocol description (0, raw), its
    /// type (0), nft's base (link 1, network 2, transport 3), offset and length in bits.
    static func typeof(_ load: RawPayload) -> [UInt8] {
        let payload = record(0, u32(0)) + record(1, u32(0)) + record(2, u32(load.base.rawValue + 1))
            + record(3, u32(load.offset * 8)) + record(4, u32(load.length * 8))
        return record(0, u32(typeofPayloadExpression)) + record(1, payload)
    }

    static let typeofPayloadExpression: UInt32 = 7

    /// The raw payload a set was declared `typeof`, if its user data says so.
    public static func setRawKey(in data: [UInt8]) -> RawPayload? {
        guard let typeof = records(data)[setKeyTypeof] else { return nil }
        let outer = records(typeof)
        guard let kind = outer[0].flatMap(u32), kind == typeofPayloadExpression, let nested = outer[1] else { return nil }
        let fields = records(nested)
        guard fields[0].flatMap(u32) == 0, fields[1].flatMap(u32) == 0,
              let baseValue = fields[2].flatMap(u32), baseValue >= 1, let base = PayloadBase(rawValue: baseValue - 1),
              let offset = fields[3].flatMap(u32), let length = fields[4].flatMap(u32),
              offset % 8 == 0, length % 8 == 0 else { return nil }
        return RawPayload(base, offset: offset / 8, length: length / 8)
    }

    static func u32(_ value: [UInt8]) -> UInt32? {
        guard value.count == 4 else { return nil }
        return value.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    public static func setElementDigest(in data: [UInt8]) -> [UInt8]? {
        records(data)[setElementDigest]
    }

    /// The user data without spoofguard's digest record: what nft itself would have stored.
    public static func withoutElementDigest(_ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index + 2 <= data.count {
            let length = Int(data[index + 1])
            guard index + 2 + length <= data.count else { break }
            if data[index] != setElementDigest { result += data[index..<(index + 2 + length)] }
            index += 2 + length
        }
        return result
    }

    public static func comment(_ comment: String) -> [UInt8] {
        record(ruleComment, Array(comment.utf8) + [0])
    }

    /// The comment in rule (or table) user data, if any.
    public static func comment(in data: [UInt8]) -> String? {
        string(records(data)[ruleComment])
    }

    public static func setComment(in data: [UInt8]) -> String? {
        string(records(data)[setComment])
    }

    public static func setKeyByteOrder(in data: [UInt8]) -> UInt32? {
        guard let value = records(data)[setKeyByteOrder], value.count == 4 else { return nil }
        return value.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    /// Records by type; malformed trailing bytes are ignored as nftnl does.
    static func records(_ data: [UInt8]) -> [UInt8: [UInt8]] {
        var result: [UInt8: [UInt8]] = [:]
        var index = 0
        while index + 2 <= data.count {
            let type = data[index]
            let length = Int(data[index + 1])
            guard index + 2 + length <= data.count else { break }
            result[type] = Array(data[(index + 2)..<(index + 2 + length)])
            index += 2 + length
        }
        return result
    }

    static func string(_ value: [UInt8]?) -> String? {
        guard let value else { return nil }
        return String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func record(_ type: UInt8, _ value: [UInt8]) -> [UInt8] {
        [type, UInt8(min(value.count, 255))] + value.prefix(255)
    }

    static func u32(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }
}
