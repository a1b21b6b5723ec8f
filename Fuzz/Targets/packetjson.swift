// libFuzzer target: the JSON packet reader (arrays and JSON lines) only. Inputs that are not
// JSON by content are skipped, so the time goes into the JSON reader (StrictJSON.Reader) and the
// field decoding.
//
// Invariants: strict and --skip-bad reading both throw or return; when strict reading succeeds,
// --skip-bad reading returns the same packets and skips nothing; every packet's source and
// destination are of one family; the record count never exceeds the packets plus skipped.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPacketJSON(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    guard let format = PacketSource.detectFormat(buffer), format == .jsonArray || format == .jsonLines else { return 0 }
    let strict = try? PacketSource.read(buffer: buffer, name: "fuzz.json", defaultInterface: "fuzz0")
    let lenient = try? PacketSource.read(buffer: buffer, name: "fuzz.json", defaultInterface: "fuzz0", skipBad: true)
    for result in [strict, lenient].compactMap({ $0 }) {
        precondition(result.format == format, "read as \(result.format), detected as \(format)")
        precondition(result.packets.allSatisfy { $0.source.family == $0.destination.family })
        precondition(result.counts.packets == result.packets.count)
        precondition(result.skipped.count <= result.counts.skipped)
    }
    if let strict {
        guard let lenient else { preconditionFailure("strict reading succeeded, --skip-bad reading threw") }
        precondition(lenient.packets == strict.packets && lenient.counts.skipped == 0)
    }
    return 0
}
