/// One thing wrong with a policy: where (`$.guard.source[2]`) and what to do about it.
public struct PolicyProblem: Hashable, Sendable, CustomStringConvertible {
    /// JSONPath of the offending value, e.g. `$.action.log.rate`; `$` for the whole document,
    /// empty when the problem is the file itself (cannot be read).
    public var path: String
    public var message: String
    /// Where the offending text starts, when the problem has a place in the file.
    public var line: Int?
    public var column: Int?

    public init(path: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Why a policy was refused: every problem found, not just the first.
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The policy text is not valid JSON or not a valid policy (exit 65, EX_DATAERR).
        case invalid
        /// The file could not be opened or read (exit 66, EX_NOINPUT).
        case unreadable
        /// The input is larger than `Policy.maximumSize` (exit 65).
        case tooLarge
    }

    /// The file name as the user gave it, or `<stdin>`.
    public var source: String
    public var kind: Kind
    public var problems: [PolicyProblem]
    /// Problems found beyond the ones kept in `problems` (see `PolicyError.maximumProblems`).
    public var omittedProblemCount: Int

    /// A policy with a million bad entries must not produce a million messages.
    public static let maximumProblems = 100

    public init(source: String, kind: Kind = .invalid, problems: [PolicyProblem], omittedProblemCount: Int = 0) {
        self.source = source
        self.kind = kind
        self.problems = problems
        self.omittedProblemCount = omittedProblemCount
    }

    /// sysexits.h: EX_DATAERR (65) for a bad policy, EX_NOINPUT (66) when it cannot be read.
    public var exitCode: Int32 { kind == .unreadable ? 66 : 65 }

    /// One problem per line: `FILE: $.path: message`; syntax errors as `FILE:LINE:COLUMN: message`.
    public var description: String {
        var lines = problems.map { problem in
            if problem.path.isEmpty, let line = problem.line, let column = problem.column {
                return "\(source):\(line):\(column): \(problem.message)"
            }
            return "\(source): \(problem)"
        }
        if omittedProblemCount > 0 {
            lines.append("\(source): … and \(omittedProblemCount) more problems")
        }
        // The source (a file name) and JSON keys are the user's: no line may carry a control byte.
        return lines.map(\.terminalEscaped).joined(separator: "\n")
    }
}
