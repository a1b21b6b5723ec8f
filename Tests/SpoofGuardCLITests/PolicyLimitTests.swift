import Testing

/// The documented size limits (Docs/hardening.md), met through the built binary: a policy past
/// them is refused with exit 65 and a message naming the place and the limit, before any
/// kernel is touched. The inputs are the smallest that cross each limit.
@Suite("policy size limits (the built binary)")
struct PolicyLimitTests {
    /// 1,000,001 one-character values: ~2 MB, past the 1,000,000-value limit (a policy with a
    /// million prefixes meets it too).
    static let tooManyValues = #"{"version":1,"guard":{"source":["# + Array(repeating: "0", count: 1_000_001).joined(separator: ",") + "]}}"

    @Test(arguments: [["check", "-"], ["compile", "-"], ["apply", "-", "--netns", "sg-limit-test-never-created"]])
    func tooManyValuesIsRefused(_ arguments: [String]) throws {
        let result = try BuiltBinary.run(arguments, standardInput: Self.tooManyValues)
        #expect(result.status == 65)
        // <stdin>:LINE:COLUMN: names the place; the message names the limit.
        #expect(result.standardError.hasPrefix("<stdin>:1:"), "\(result.standardError)")
        #expect(result.standardError.contains("the document holds more than 1000000 values"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func moreThan16MiBIsRefused() throws {
        let result = try BuiltBinary.run(["check", "-"], standardInput: #"{"version":1,"table":""# + String(repeating: " ", count: 16 << 20) + "\"}")
        #expect(result.status == 65)
        #expect(result.standardError == "<stdin>: $: is larger than 16 MiB; a policy is a small JSON object (is this the right file?)\n")
    }
}
