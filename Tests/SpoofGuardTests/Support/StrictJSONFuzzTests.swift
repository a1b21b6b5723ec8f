import Foundation
import Testing
@testable import SpoofGuard

/// Mutated policies: the reader must never crash, must place every syntax error inside the
/// input, and must accept exactly the documents Foundation's JSON parser accepts.
@Suite("StrictJSON under mutation")
struct StrictJSONFuzzTests {
    /// Bytes that matter to JSON's grammar, so mutations hit interesting places often.
    static let alphabet: [UInt8] = Array(#"{}[]:,"\/ -+.0123456789eEtrufalsn"#.utf8) + [0x0A, 0x09, 0x00, 0xC3, 0xA9, 0xFF, 0x27]

    func mutate(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0...result.count, using: &random)
            let byte = Self.alphabet.randomElement(using: &random)!
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where position < result.count: result[position] = byte
            case 1 where position < result.count: result.remove(at: position)
            default: result.insert(byte, at: position)
            }
        }
        return result
    }

    @Test func mutatedPoliciesNeverCrashAndAgreeWithFoundation() throws {
        let seeds = try ["router", "strict", "ingress"].map { name in
            try [UInt8](Data(contentsOf: packageRoot.appendingPathComponent("Examples/\(name).json")))
        }
        var random = SeededGenerator(seed: 0x5EED_0F_5B00F)
        var disagreements: [String] = []
        var accepted = 0
        for iteration in 0..<10_000 {
            let input = mutate(seeds[iteration % seeds.count], &random)
            let lineCount = input.filter { $0 == 0x0A }.count + 1
            let ours: Bool
            do {
                _ = try StrictJSON.parse(input)
                ours = true
                accepted += 1
            } catch {
                ours = false
                #expect((1...lineCount).contains(error.position.line), "line out of range for \(input)")
                #expect(error.position.column >= 1)
            }
            let theirs = (try? JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed])) != nil
            if ours != theirs && !Self.foundationQuirk(input) {
                disagreements.append("ours \(ours), Foundation \(theirs): \(input.map { String($0, radix: 16) })")
            }
            // Decoding as a policy must not crash either, whatever the tree holds.
            _ = try? Policy.decode(input, source: "fuzz")
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(accepted > 100, "mutations should leave some documents valid")
    }

    /// Known differences, where Foundation is lenient and this reader deliberately is not:
    /// swift-corelibs-foundation accepts a trailing comma before `}` or `]`.
    static func foundationQuirk(_ input: [UInt8]) -> Bool {
        let significant = input.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return zip(significant, significant.dropFirst()).contains { pair in
            pair.0 == UInt8(ascii: ",") && (pair.1 == UInt8(ascii: "}") || pair.1 == UInt8(ascii: "]"))
        }
    }
}
