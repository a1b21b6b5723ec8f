import Foundation
import Testing
@testable import SpoofGuard

/// One invalid policy of the corpus in Invalid/, as described by Invalid/manifest.json.
struct InvalidPolicyCase: Sendable, CustomTestStringConvertible {
    var file: String
    var exitCode: Int32
    /// JSONPath of the first problem; empty for a JSON syntax error.
    var path: String
    var message: String
    var problemCount: Int?

    var testDescription: String { file }

    static let directory = packageRoot.appendingPathComponent("Tests/SpoofGuardTests/Policy/Invalid")

    /// Read with the strict reader, so the manifest itself has no duplicate or unknown keys.
    static let all: [InvalidPolicyCase] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")),
              let manifest = try? StrictJSON.parse([UInt8](data)),
              case .object(let top) = manifest.kind,
              let casesValue = top.first(where: { $0.key == "cases" })?.value,
              case .array(let entries) = casesValue.kind else { return [] }
        return entries.compactMap { entry in
            guard case .object(let members) = entry.kind else { return nil }
            var fields: [String: StrictJSON.Kind] = [:]
            for member in members {
                guard fields[member.key] == nil else { return nil }
                fields[member.key] = member.value.kind
            }
            guard Set(fields.keys).isSubset(of: ["file", "exitCode", "path", "message", "problemCount"]),
                  case .string(let file)? = fields["file"], case .number(let code)? = fields["exitCode"],
                  case .string(let path)? = fields["path"], case .string(let message)? = fields["message"],
                  let exitCode = Int32(code) else { return nil }
            var problemCount: Int?
            if case .number(let count)? = fields["problemCount"] { problemCount = Int(count) }
            return InvalidPolicyCase(file: file, exitCode: exitCode, path: path, message: message, problemCount: problemCount)
        }
    }()
}

@Suite("Invalid policy corpus")
struct InvalidPolicyCorpusTests {
    @Test func manifestCoversEveryFileAndOnlyThem() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: InvalidPolicyCase.directory.path)
            .filter { $0.hasSuffix(".json") && $0 != "manifest.json" }
        #expect(InvalidPolicyCase.all.count >= 25)
        #expect(Set(files) == Set(InvalidPolicyCase.all.map(\.file)))
        #expect(Set(InvalidPolicyCase.all.map(\.file)).count == InvalidPolicyCase.all.count, "a file is listed twice")
    }

    @Test(arguments: InvalidPolicyCase.all)
    func decoderRefusesWithTheExpectedProblem(_ testCase: InvalidPolicyCase) throws {
        let path = InvalidPolicyCase.directory.appendingPathComponent(testCase.file).path
        let error: PolicyError
        do {
            _ = try Policy.load(from: path)
            Issue.record("\(testCase.file) was accepted")
            return
        } catch let caught {
            error = caught
        }
        #expect(error.exitCode == testCase.exitCode)
        #expect(error.source == path)
        let first = try #require(error.problems.first)
        #expect(first.path == testCase.path)
        #expect(first.message.contains(testCase.message), "\(first.message)")
        if let count = testCase.problemCount {
            #expect(error.problems.count == count)
        }
        // Every problem is placed: a path (validation) or a line and column (syntax).
        for problem in error.problems {
            #expect(problem.path.hasPrefix("$") || (problem.line != nil && problem.column != nil))
        }
    }
}
