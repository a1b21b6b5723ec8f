import Foundation
@testable import SpoofGuard

/// Decodes policy text, returning the policy or the error (never both).
func decodePolicy(_ text: String, source: String = "test.json") -> Result<Policy, PolicyError> {
    Result { () throws(PolicyError) in try Policy.decode(Array(text.utf8), source: source) }
}

/// The problems of a policy that must be invalid; a valid one yields a single marker problem
/// so that expectations on it fail loudly.
func problems(_ text: String) -> [PolicyProblem] {
    switch decodePolicy(text) {
    case .success: [PolicyProblem(path: "<valid>", message: "the policy was accepted")]
    case .failure(let error): error.problems
    }
}

/// `path: message` lines, the form most expectations are written in.
func problemLines(_ text: String) -> [String] { problems(text).map(\.description) }

/// The package root, found from this file's place in Tests/SpoofGuardTests/Policy/.
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
