// libFuzzer target: the policy reader and validator must refuse or accept any bytes without
// crashing, and an accepted policy must compile.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    if let policy = try? Policy.decode(bytes, source: "fuzz") {
        _ = Compiler.compile(policy)
    }
    return 0
}
