// libFuzzer target: address, prefix and interface-name parsers. Whatever parses must print in a
// form that parses back to the same value (the canonical text is what nft is given).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddress(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    if let prefix = try? IPPrefix(parsing: text) {
        precondition((try? IPPrefix(parsing: prefix.description)) == prefix, "prefix does not round-trip: \(text)")
    }
    if let address = try? IPAddress(parsing: text) {
        precondition((try? IPAddress(parsing: address.description)) == address, "address does not round-trip: \(text)")
    }
    if let pattern = try? InterfacePattern(parsing: text) {
        precondition(pattern.matches(pattern.exampleName), "pattern does not match its example: \(text)")
    }
    return 0
}
