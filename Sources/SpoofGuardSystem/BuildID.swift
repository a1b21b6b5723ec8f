internal import CSpoofGuardSystem
import Glibc

/// The GNU build-id of the running executable (`.note.gnu.build-id`, which the linker derives
/// from the program's contents): the identity of the compiler in the element record's policy
/// proof. Read from the program headers the kernel mapped (AT_PHDR and AT_PHNUM of the auxiliary vector), not from the
/// file, which may have been replaced since this process started.
public enum BuildID {
    /// nil when the executable carries no build-id note: the policy proof is then never made
    /// nor used.
    public static let current: [UInt8]? = readLoaded()

    static let programHeaderType = 6       // PT_PHDR
    static let noteSegmentType = 4         // PT_NOTE
    static let gnuBuildIDNoteType: UInt32 = 3  // NT_GNU_BUILD_ID
    /// sizeof(Elf64_Phdr); offsets of p_type, p_vaddr, p_memsz within it.
    static let programHeaderSize = 56

    private static func readLoaded() -> [UInt8]? {
        var phnum: UInt = 0
        let headers = sg_program_headers(&phnum), count = Int(phnum)
        guard MemoryLayout<Int>.size == 8, headers != 0, count > 0,
              let table = UnsafeRawPointer(bitPattern: UInt(headers)) else { return nil }
        let segments = (0..<count).map { index in
            let header = table + index * programHeaderSize
            return (type: header.loadUnaligned(as: UInt32.self),
                    address: header.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                    size: header.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
        }
        // Program headers hold link-time addresses; the load bias is where PT_PHDR ended up.
        guard let phdr = segments.first(where: { $0.type == programHeaderType }) else { return nil }
        let bias = UInt64(headers) &- phdr.address
        for segment in segments where segment.type == noteSegmentType {
            guard let start = UnsafeRawPointer(bitPattern: UInt(bias &+ segment.address)) else { continue }
            if let id = buildID(inNotes: UnsafeRawBufferPointer(start: start, count: Int(segment.size))) { return id }
        }
        return nil
    }

    /// The descriptor of the first NT_GNU_BUILD_ID note named "GNU" in a PT_NOTE segment's
    /// bytes (Elf64_Nhdr: name size, descriptor size, type; name and descriptor each padded
    /// to 4 bytes); nil when there is none or the notes are cut short.
    public static func buildID(inNotes notes: UnsafeRawBufferPointer) -> [UInt8]? {
        func padded(_ size: Int) -> Int { (size + 3) & ~3 }
        var offset = 0
        while offset + 12 <= notes.count {
            let nameSize = Int(notes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let descriptorSize = Int(notes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            let type = notes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let name = offset + 12, descriptor = name + padded(nameSize)
            guard nameSize <= notes.count, descriptorSize <= notes.count,
                  descriptor + descriptorSize <= notes.count else { return nil }
            if type == gnuBuildIDNoteType, Array(notes[name..<name + nameSize]) == Array("GNU\0".utf8), descriptorSize > 0 {
                return Array(notes[descriptor..<descriptor + descriptorSize])
            }
            offset = descriptor + padded(descriptorSize)
        }
        return nil
    }
}
