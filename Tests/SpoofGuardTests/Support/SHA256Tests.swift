import Foundation
import Testing
@testable import SpoofGuard
import SpoofGuardTestSupport

/// SHA-256 against the FIPS 180-4 examples (NIST's "SHA256.pdf", and the one-million-"a"
/// vector of FIPS 180-2 Appendix B.3), against coreutils' `sha256sum` on random inputs of every
/// length around the block and padding boundaries, and fed in pieces.
@Suite struct SHA256Tests {
    static func hex(_ bytes: [UInt8]) -> String { ElementRecord.hex(bytes) }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, digest: String) {
        #expect(Self.hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test func oneMillionA() {
        #expect(Self.hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Any split of the input gives the digest of the whole.
    @Test func piecesHashAsTheWhole() {
        var random = SeededGenerator(seed: 256)
        let message = (0..<1_000).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        let whole = SHA256.hash(message)
        for _ in 0..<200 {
            var hasher = SHA256()
            var rest = message[...]
            while !rest.isEmpty {
                let take = Int.random(in: 0...min(rest.count, 150), using: &random)
                hasher.update(rest.prefix(take))
                rest = rest.dropFirst(take)
            }
            #expect(hasher.finalize() == whole)
        }
        // A sequence without contiguous storage takes the copying path.
        #expect(SHA256.hash(message.lazy.map { $0 }) == whole)
    }

    @Test(.tool(ExternalTools.path("sha256sum") != nil, "sha256sum (coreutils) is not installed"))
    func agreesWithSha256sum() throws {
        let directory = try ExternalTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededGenerator(seed: 180_4)
        let lengths = Array(0...130) + [447, 448, 511, 512, 1_000, 4_095, 65_536, 1_000_003]
        var files: [String] = []
        var expected: [String] = []
        for length in lengths {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            let path = directory.appendingPathComponent("input-\(length)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            files.append(path)
            expected.append("\(Self.hex(SHA256.hash(bytes)))  \(path)")
        }
        let run = try ExternalTools.run("sha256sum", files)
        #expect(run.status == 0)
        #expect(run.output.split(separator: "\n").map(String.init) == expected)
    }
}
