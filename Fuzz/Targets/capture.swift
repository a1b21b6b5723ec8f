// libFuzzer target: pcap, pcapng and JSON packet readers, strict and with --skip-bad.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    for skipBad in [false, true] {
        if let result = try? PacketSource.read(buffer: buffer, name: "fuzz", defaultInterface: "fuzz0", skipBad: skipBad) {
            precondition(result.packets.allSatisfy { $0.source.family == $0.destination.family })
        }
    }
    return 0
}
